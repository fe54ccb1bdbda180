"""Demo forum content for ``manage.py load_demo``: threads, replies, supports, a pinned and a
closed thread, in the five site languages, written by the demo accounts of DEMO.md.

Everything goes through ``forums.services`` (permissions, Markdown rendering, audit of the
moderators' pin and close), so the demo behaves exactly as if people had written it. The only
direct write moves the posts' dates into the past (see ``_backdate``). Idempotent: a thread is
keyed on its title within its space, and an existing one is left alone.

The texts below are demo *content*, written by (fictional) people in their own languages; they
are deliberately not marked for translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from dialogue.models import Space
from forums import services
from forums.models import Post, Thread

DEMO_DOMAIN = "demo.example.org"

# Seeding writes ~80 posts from ~20 people within a second: far over the per-person posting
# limit. A huge count in a one-second window lets it through; the one-second window also means
# the counters it leaves in the cache are keyed by the second and expire at once, so they never
# count against the demo people's real limit (keyed by the minute) afterwards.
_SEEDING_RATE_LIMIT = (1_000_000, 1)


@dataclass(frozen=True)
class DemoPost:
    author: str  # local part of the demo email, e.g. "gov.in"
    language: str
    body: str
    quote: int | None = None  # number of the post it quotes
    attachment: str = ""  # file name of a small generated PDF attached to the post


@dataclass(frozen=True)
class DemoThread:
    space: str
    title: str
    tags: tuple[str, ...]
    posts: tuple[DemoPost, ...]  # the opening post first
    supports: tuple[tuple[int, str], ...] = ()  # (post number, supporter)
    days_ago: int = 3
    pinned_by: str = ""
    closed_by: str = ""
    summary: str = ""


P = DemoPost

THREADS: tuple[DemoThread, ...] = (
    # --- India ---------------------------------------------------------------------------------
    DemoThread(
        space="india-dialogue",
        title="National floor wage review: evidence and timetable",
        tags=("minimum-wage", "wage-policy"),
        days_ago=12,
        pinned_by="moderator.in",
        posts=(
            P(
                "gov.in",
                "en",
                "The Ministry proposes to review the national floor wage before the next "
                "financial year. We would like the dialogue to agree on three things:\n\n"
                "1. the evidence base (consumption surveys, price indices, productivity);\n"
                "2. how often the floor is revised;\n"
                "3. a timetable for consultations with the states.\n\n"
                "A background note will be shared here next week.",
            ),
            P(
                "wrk.in",
                "hi",
                "हम इस समीक्षा का स्वागत करते हैं। न्यूनतम मज़दूरी की गणना में परिवार की वास्तविक "
                "ज़रूरतें — भोजन, आवास, शिक्षा और स्वास्थ्य — शामिल होनी चाहिए। हर दो साल में "
                "संशोधन और महँगाई भत्ते का नियमित समायोजन ज़रूरी है।",
            ),
            P(
                "emp.in",
                "en",
                "Employers support an evidence-based floor. Small enterprises in the states with "
                "lower productivity need a phased introduction, and the revision cycle should be "
                "predictable so that firms can plan.",
            ),
            P(
                "wrk.in",
                "en",
                "A phased introduction is acceptable if the phases are fixed in advance and "
                "published. Open-ended phasing has meant no increase at all in the past.",
                quote=3,
            ),
            P(
                "gov.in",
                "hi",
                "धन्यवाद। मंत्रालय अगली बैठक से पहले राज्यों के आँकड़ों के साथ एक पृष्ठभूमि नोट "
                "यहाँ साझा करेगा, जिसमें चरणबद्ध कार्यान्वयन के दो विकल्प होंगे।",
            ),
        ),
        supports=((1, "wrk.in"), (1, "emp.in"), (2, "moderator.in"), (4, "gov.in")),
    ),
    DemoThread(
        space="india-dialogue",
        title="Labour inspection under the labour codes: risk-based planning",
        tags=("labour-inspection", "labour-codes"),
        days_ago=8,
        posts=(
            P(
                "gov.in",
                "en",
                "The codes replace routine inspections with a randomised, risk-based schedule "
                "and an inspector-cum-facilitator role. We invite views on the risk criteria: "
                "sector, size, past violations and complaints.",
            ),
            P(
                "wrk.in",
                "en",
                "Complaints must always trigger an inspection, whatever the risk score. We also "
                "ask that workers' representatives can accompany inspectors on site.",
            ),
            P(
                "emp.in",
                "en",
                "We welcome the facilitation role: most first findings should lead to advice and "
                "a deadline to comply, not directly to prosecution.",
            ),
            P(
                "moderator.in",
                "hi",
                "दोनों पक्षों के सुझाव दर्ज कर लिए गए हैं। कृपया जोखिम के मानदंडों पर अपने लिखित "
                "सुझाव इस महीने के अंत तक यहाँ जोड़ें।",
            ),
        ),
        supports=((2, "moderator.in"), (3, "gov.in")),
    ),
    DemoThread(
        space="india-dialogue",
        title="Human rights due diligence in garment supply chains",
        tags=("due-diligence", "supply-chains", "mne-declaration"),
        days_ago=5,
        posts=(
            P(
                "emp.in",
                "en",
                "European buyers now ask our garment exporters for due diligence reports. "
                "Members would like shared guidance based on the **ILO MNE Declaration** rather "
                "than a different questionnaire for every buyer.",
            ),
            P(
                "wrk.in",
                "en",
                "Due diligence only works if workers are consulted. Grievance mechanisms in "
                "factories should be designed with the unions, not only audited.",
            ),
            P(
                "gov.in",
                "en",
                "The Ministry can host a tripartite workshop on the MNE Declaration's "
                "operational tools, with the ILO country office.",
            ),
            P(
                "emp.in",
                "hi",
                "हम कार्यशाला का समर्थन करते हैं। छोटे आपूर्तिकर्ताओं के लिए एक सरल चेकलिस्ट सबसे उपयोगी होगी।",
            ),
            P(
                "wrk.in",
                "hi",
                "चेकलिस्ट में शिकायत निवारण और संगठित होने की स्वतंत्रता अवश्य शामिल हो।",
                quote=4,
            ),
        ),
        supports=((2, "gov.in"), (3, "emp.in"), (3, "wrk.in"), (5, "moderator.in")),
    ),
    DemoThread(
        space="india-dialogue",
        title="निर्माण स्थलों पर व्यावसायिक सुरक्षा और स्वास्थ्य",
        tags=("osh", "construction"),
        days_ago=2,
        posts=(
            P(
                "wrk.in",
                "hi",
                "गर्मी के मौसम में निर्माण मज़दूरों के लिए दोपहर में काम रोकने, पीने के पानी और "
                "छाया की व्यवस्था पर एक साझा दिशानिर्देश की ज़रूरत है।",
            ),
            P(
                "gov.in",
                "hi",
                "कुछ राज्यों ने पहले ही ताप-कार्य योजना लागू की है। मंत्रालय उनके अनुभव यहाँ साझा करेगा।",
            ),
            P(
                "emp.in",
                "hi",
                "नियोक्ता सहमत हैं। काम के घंटों में बदलाव के लिए ठेकेदारों को समय पर सूचना मिलनी चाहिए।",
            ),
            P(
                "moderator.in",
                "en",
                "Summary for English readers: all three groups support shared heat-stress "
                "guidance for construction sites; the Ministry will post the states' heat "
                "action plans here.",
            ),
        ),
        supports=((1, "emp.in"), (1, "gov.in"), (3, "wrk.in")),
    ),
    # --- Lao PDR -------------------------------------------------------------------------------
    DemoThread(
        space="lao-pdr-dialogue",
        title="Minimum wage adjustment and the cost of living",
        tags=("minimum-wage",),
        days_ago=10,
        posts=(
            P(
                "gov.la",
                "en",
                "Prices have risen sharply since the last adjustment. The Ministry asks the "
                "social partners for their proposals on the next minimum wage level and on "
                "when it should take effect.",
            ),
            P(
                "wrk.la",
                "lo",
                "ສະຫະພັນກຳມະບານລາວ ສະເໜີໃຫ້ປັບຄ່າແຮງງານຂັ້ນຕ່ຳ ໃຫ້ສອດຄ່ອງກັບລາຄາສິນຄ້າ "
                "ແລະ ຄ່າຄອງຊີບຕົວຈິງຂອງຄອບຄົວຜູ້ອອກແຮງງານ.",
            ),
            P(
                "emp.la",
                "en",
                "Employers agree that an adjustment is needed. We ask for six months' notice "
                "so that garment and food-processing firms can adjust their contracts.",
            ),
            P(
                "gov.la",
                "lo",
                "ຂອບໃຈສຳລັບຄຳເຫັນ. ກະຊວງຈະສະເໜີຮ່າງຕົວເລກໃນກອງປະຊຸມສາມຝ່າຍຄັ້ງຕໍ່ໄປ.",
            ),
        ),
        supports=((2, "gov.la"), (3, "wrk.la"), (4, "emp.la")),
    ),
    DemoThread(
        space="lao-pdr-dialogue",
        title="ແຮງງານເຄື່ອນຍ້າຍ ແລະ ຄ່າທຳນຽມການຈັດຫາງານ",
        tags=("migrant-workers", "recruitment-fees"),
        days_ago=6,
        posts=(
            P(
                "wrk.la",
                "lo",
                "ແຮງງານລາວຫຼາຍຄົນທີ່ໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ ຍັງຕ້ອງຈ່າຍຄ່າທຳນຽມການຈັດຫາງານສູງ. "
                "ພວກເຮົາສະເໜີໃຫ້ນາຍຈ້າງເປັນຜູ້ຈ່າຍຄ່າທຳນຽມທັງໝົດ.",
            ),
            P(
                "gov.la",
                "lo",
                "ກະຊວງກຳລັງທົບທວນລະບຽບການກ່ຽວກັບບໍລິສັດຈັດຫາງານ ແລະ ຈະປຶກສາກັບທຸກຝ່າຍ.",
            ),
            P(
                "emp.la",
                "en",
                "The Chamber supports the employer-pays principle for licensed agencies. "
                "Unlicensed brokers are the main problem; inspection of agencies should be "
                "strengthened.",
            ),
            P(
                "moderator.la",
                "lo",
                "ຂໍໃຫ້ແຕ່ລະຝ່າຍສົ່ງຂໍ້ສະເໜີເປັນລາຍລັກອັກສອນ ກ່ອນກອງປະຊຸມເດືອນໜ້າ.",
            ),
            P(
                "wrk.la",
                "en",
                "We will share cases collected by our migrant worker help desks (names removed).",
            ),
        ),
        supports=((1, "emp.la"), (1, "gov.la"), (3, "wrk.la")),
    ),
    DemoThread(
        space="lao-pdr-dialogue",
        title="Occupational safety in the special economic zones",
        tags=("osh", "labour-inspection"),
        days_ago=3,
        posts=(
            P(
                "emp.la",
                "en",
                "Several investors in the special economic zones asked how national OSH rules "
                "apply to them. A short joint guide would help new companies.",
            ),
            P(
                "wrk.la",
                "en",
                "Workers in the zones should have safety committees like everywhere else, and "
                "labour inspectors must have access to the zones.",
            ),
            P(
                "gov.la",
                "lo",
                "ກົດໝາຍແຮງງານ ແລະ ລະບຽບການກ່ຽວກັບຄວາມປອດໄພ ແລະ ສຸຂະອະນາໄມໃນການເຮັດວຽກ "
                "ນຳໃຊ້ໃນເຂດເສດຖະກິດພິເສດຄືກັນ. ກະຊວງຈະກະກຽມຄູ່ມືຮ່ວມກັນ.",
            ),
            P(
                "wrk.la",
                "lo",
                "ສະຫະພັນກຳມະບານພ້ອມຮ່ວມມືໃນການກະກຽມຄູ່ມື ແລະ ຝຶກອົບຮົມຄະນະກຳມະການຄວາມປອດໄພ.",
            ),
        ),
        supports=((2, "gov.la"), (3, "emp.la"), (3, "wrk.la")),
    ),
    # --- Malaysia ------------------------------------------------------------------------------
    DemoThread(
        space="malaysia-dialogue",
        title="Zero-cost recruitment of migrant workers: closing the gaps",
        tags=("migrant-workers", "recruitment-fees", "forced-labour"),
        days_ago=11,
        closed_by="moderator.my",
        summary=(
            "**Agreed:** employers bear all recruitment fees and related costs, including in "
            "the countries of origin; the Ministry will publish a list of costs that may never "
            "be charged to workers; MEF and MTUC will run joint briefings for small employers. "
            "Follow-up in the thread on labour inspection."
        ),
        posts=(
            P(
                "emp.my",
                "en",
                "MEF members apply the employer-pays principle, but fees are still charged in "
                "the countries of origin, where we have little control. How should employers "
                "verify this?",
            ),
            P(
                "wrk.my",
                "ms",
                "MTUC menegaskan bahawa pekerja migran tidak boleh menanggung sebarang yuran "
                "pengambilan. Majikan perlu membayar balik yuran yang telah dibayar oleh "
                "pekerja.",
            ),
            P(
                "gov.my",
                "en",
                "The Ministry will publish a list of costs that may never be charged to "
                "workers, and agencies that charge them will lose their licence.",
            ),
            P(
                "emp.my",
                "ms",
                "Majikan bersetuju. Kami mencadangkan taklimat bersama untuk majikan kecil dan "
                "sederhana.",
            ),
            P(
                "wrk.my",
                "en",
                "Agreed, if the briefings are joint and also explain the remediation of fees "
                "already paid.",
                quote=4,
            ),
        ),
        supports=((2, "gov.my"), (3, "emp.my"), (3, "wrk.my"), (4, "wrk.my"), (5, "emp.my")),
    ),
    DemoThread(
        space="malaysia-dialogue",
        title="Semakan gaji minimum 2027",
        tags=("minimum-wage",),
        days_ago=7,
        posts=(
            P(
                "wrk.my",
                "ms",
                "Kos sara hidup terus meningkat. MTUC mencadangkan gaji minimum disemak setiap "
                "dua tahun berdasarkan data isi rumah yang terkini.",
            ),
            P(
                "emp.my",
                "ms",
                "MEF menyokong semakan berkala, tetapi kenaikan perlu mengambil kira "
                "produktiviti dan keupayaan perusahaan kecil.",
            ),
            P(
                "gov.my",
                "ms",
                "Majlis Perundingan Gaji Negara akan membentangkan kajian baharu bulan depan.",
            ),
            P(
                "moderator.my",
                "en",
                "For readers from the regional network: this thread discusses the 2027 minimum "
                "wage review; the national wage council's study is expected next month.",
            ),
        ),
        supports=((1, "gov.my"), (2, "gov.my"), (3, "wrk.my"), (3, "emp.my")),
    ),
    DemoThread(
        space="malaysia-dialogue",
        title="ILO MNE Declaration follow-up: labour inspection and grievance channels",
        tags=("mne-declaration", "labour-inspection"),
        days_ago=2,
        posts=(
            P(
                "gov.my",
                "en",
                "As agreed at the tripartite meeting, we follow up on the MNE Declaration with "
                "a joint review of labour inspection in the electronics sector and of the "
                "grievance channels open to migrant workers.",
            ),
            P(
                "emp.my",
                "en",
                "Multinational members are ready to share their grievance data, anonymised, "
                "if the review also covers their suppliers fairly.",
            ),
            P(
                "wrk.my",
                "ms",
                "Saluran aduan mesti tersedia dalam bahasa pekerja dan bebas daripada tindakan "
                "balas.",
            ),
            P(
                "gov.my",
                "ms",
                "Setuju. Kementerian akan menyediakan borang aduan dalam beberapa bahasa "
                "pekerja migran.",
                quote=3,
            ),
        ),
        supports=((1, "wrk.my"), (3, "gov.my")),
    ),
    # --- Japan ---------------------------------------------------------------------------------
    DemoThread(
        space="japan-dialogue",
        title="ビジネスと人権：サプライチェーンにおける人権デュー・ディリジェンス",
        tags=("due-diligence", "supply-chains"),
        days_ago=9,
        posts=(
            P(
                "emp.jp",
                "ja",
                "経団連では、会員企業による人権デュー・ディリジェンスの取組状況を調査しました。"
                "中小のサプライヤーへの支援が最大の課題です。",
            ),
            P(
                "wrk.jp",
                "ja",
                "連合は、労働組合との対話を人権デュー・ディリジェンスの中心に位置づけるべきだと"
                "考えます。苦情処理の仕組みにも労働者の参加が必要です。",
            ),
            P(
                "gov.jp",
                "en",
                "The government's guidelines on respecting human rights in supply chains will "
                "be reviewed next year. We would welcome a joint input from the social partners.",
            ),
            P(
                "wrk.jp",
                "en",
                "RENGO is ready to prepare a joint input with Keidanren, with a focus on "
                "engagement with workers in overseas suppliers.",
                quote=3,
            ),
            P(
                "emp.jp",
                "ja",
                "賛成です。来月の会合で共同意見の構成案を示します。",
            ),
        ),
        supports=((1, "gov.jp"), (2, "moderator.jp"), (4, "emp.jp"), (5, "wrk.jp")),
    ),
    DemoThread(
        space="japan-dialogue",
        title="From technical intern training to the new skill development system",
        tags=("migrant-workers", "recruitment-fees"),
        days_ago=6,
        posts=(
            P(
                "gov.jp",
                "en",
                "The technical intern training programme is being replaced by the new "
                "Employment for Skill Development system. Transfers between employers and "
                "recruitment costs are the main open questions.",
            ),
            P(
                "wrk.jp",
                "ja",
                "送出し国で労働者が支払う手数料や借金の問題を解決しなければなりません。"
                "転籍の制限も最小限にすべきです。",
            ),
            P(
                "emp.jp",
                "en",
                "Employers accept sharing the recruitment costs, but ask for a fair arrangement "
                "when a worker transfers soon after arrival.",
            ),
            P(
                "moderator.jp",
                "ja",
                "論点を整理しました：(1) 手数料の負担、(2) 転籍のルール、(3) 日本語教育の支援。"
                "次回はこの順で議論します。",
            ),
        ),
        supports=((2, "gov.jp"), (3, "gov.jp"), (4, "wrk.jp"), (4, "emp.jp")),
    ),
    DemoThread(
        space="japan-dialogue",
        title="最低賃金の引上げと中小企業への支援",
        tags=("minimum-wage",),
        days_ago=4,
        posts=(
            P(
                "wrk.jp",
                "ja",
                "地域別最低賃金の地域間格差の縮小と、全国加重平均の早期の引上げを求めます。",
            ),
            P(
                "emp.jp",
                "ja",
                "引上げには、中小企業の生産性向上と価格転嫁の支援が欠かせません。",
            ),
            P(
                "gov.jp",
                "ja",
                "業務改善助成金の拡充を検討しています。具体案は次回の会合で示します。",
            ),
            P(
                "wrk.jp",
                "ja",
                "助成金の拡充を歓迎します。あわせて、労務費の価格転嫁の状況を定期的に"
                "点検していただきたいと思います。",
            ),
        ),
        supports=((1, "gov.jp"), (2, "wrk.jp"), (3, "emp.jp"), (3, "wrk.jp")),
    ),
    DemoThread(
        space="japan-dialogue",
        title="MNE Declaration national focal point: follow-up plan",
        tags=("mne-declaration",),
        days_ago=1,
        posts=(
            P(
                "gov.jp",
                "en",
                "Japan's tripartite national focal point for the MNE Declaration proposes a "
                "work plan: an awareness seminar, a survey of Japanese enterprises abroad and a "
                "dialogue with host-country partners.",
            ),
            P(
                "emp.jp",
                "en",
                "Keidanren supports the plan and can co-host the seminar.",
            ),
            P(
                "wrk.jp",
                "en",
                "The dialogue with host countries should include their trade unions, for "
                "example through this platform's regional space.",
            ),
            P(
                "moderator.jp",
                "ja",
                "地域スペースでの意見交換について、事務局に相談します。",
            ),
        ),
        supports=((1, "emp.jp"), (1, "wrk.jp"), (3, "gov.jp")),
    ),
    # --- Caucuses ------------------------------------------------------------------------------
    DemoThread(
        space="india-dialogue-workers-caucus",
        title="Our common position before the floor wage meeting",
        tags=("minimum-wage",),
        days_ago=4,
        posts=(
            P(
                "caucus.wrk.in",
                "hi",
                "फ़्लोर वेज बैठक से पहले हमें एक साझा स्थिति तय करनी है: जीवन-निर्वाह मज़दूरी, "
                "दो साल का संशोधन चक्र और तय चरण।",
            ),
            P(
                "wrk.in",
                "en",
                "Agreed. I suggest we also ask for the consumption survey data to be published "
                "before the meeting.",
            ),
            P(
                "caucus.wrk.in",
                "en",
                "Good point; I will add it to the draft position.",
                quote=2,
            ),
        ),
        supports=((1, "wrk.in"), (2, "caucus.wrk.in")),
    ),
    DemoThread(
        space="japan-dialogue-employers-caucus",
        title="人権デュー・ディリジェンス：使用者側意見のとりまとめ",
        tags=("due-diligence",),
        days_ago=3,
        posts=(
            P(
                "emp.jp",
                "ja",
                "政府ガイドライン見直しに向けた使用者側の意見案です。中小企業への支援策と、"
                "各社の報告負担の軽減を中心にまとめています。",
            ),
            P(
                "emp.jp",
                "ja",
                "追記：会員企業アンケートの結果を反映しました。ご意見は今週中にお願いします。",
            ),
        ),
    ),
    # --- Regional ------------------------------------------------------------------------------
    DemoThread(
        space="regional-peer-learning",
        title="Peer learning: what works in risk-based labour inspection?",
        tags=("labour-inspection", "mne-declaration"),
        days_ago=5,
        posts=(
            P(
                "secretariat",
                "en",
                "The four country dialogues are all discussing labour inspection. Which "
                "practices worked in your country? We will compile the answers into a short "
                "regional note for the next peer-learning session. The outline is attached.",
                attachment="Regional note - outline.pdf",
            ),
            P(
                "observer",
                "en",
                "Japanese companies operating in the region report that joint advisory visits, "
                "before any sanction, improved compliance among their suppliers.",
            ),
            P(
                "secretariat",
                "en",
                "Thank you. The note will also cover the MNE Declaration's guidance on "
                "dialogue with host-country partners.",
            ),
        ),
    ),
)


@dataclass
class _Cache:
    users: dict[str, User] = field(default_factory=dict)
    spaces: dict[str, Space] = field(default_factory=dict)

    def user(self, local: str) -> User:
        if local not in self.users:
            self.users[local] = User.objects.get(email=f"{local}@{DEMO_DOMAIN}")
        return self.users[local]

    def space(self, slug: str) -> Space:
        if slug not in self.spaces:
            self.spaces[slug] = Space.objects.get(slug=slug)
        return self.spaces[slug]


def load_forums(count: Callable[[str], None]) -> None:
    """Create the demo threads that do not exist yet; ``count`` is told of each creation."""
    cache = _Cache()
    with override_settings(FORUMS_POST_RATE_LIMIT=_SEEDING_RATE_LIMIT), transaction.atomic():
        for demo in THREADS:
            space = cache.space(demo.space)
            if Thread.objects.filter(space=space, title=demo.title).exists():
                continue  # already loaded (or kept as someone left it while trying the demo)
            _load_thread(demo, space, cache, count)


def _load_thread(
    demo: DemoThread, space: Space, cache: _Cache, count: Callable[[str], None]
) -> None:
    opening, *replies = demo.posts
    thread = services.start_thread(
        author=cache.user(opening.author),
        space=space,
        title=demo.title,
        body=opening.body,
        language=opening.language,
        tags=list(demo.tags),
        attachments=_demo_files(opening),
    )
    count("forum threads")
    posts: dict[int, Post] = {1: Post.objects.get(thread=thread, number=1)}
    for reply in replies:
        post = services.reply_to_thread(
            author=cache.user(reply.author),
            thread=thread,
            body=reply.body,
            language=reply.language,
            quote_of=posts[reply.quote] if reply.quote else None,
            attachments=_demo_files(reply),
        )
        posts[post.number] = post
        count("forum replies")
    for number, supporter in demo.supports:
        services.support_post(user=cache.user(supporter), post=posts[number])
        count("forum supports")
    _backdate(thread, list(posts.values()), demo.days_ago)
    if demo.pinned_by:
        services.pin_thread(actor=cache.user(demo.pinned_by), thread=thread)
    if demo.closed_by:
        services.close_thread(actor=cache.user(demo.closed_by), thread=thread, summary=demo.summary)


def _backdate(thread: Thread, posts: list[Post], days_ago: int) -> None:
    """Spread the posts over the past days (no service sets a post's date, by design): a forum
    whose every post is from the same second does not look like a living one, and the list's
    "latest activity" order would be arbitrary."""
    start = timezone.now() - timedelta(days=days_ago)
    last = start
    for post in posts:
        last = start + timedelta(hours=5 * (post.number - 1), minutes=7 * (post.number - 1))
        Post.objects.filter(pk=post.pk).update(created_at=last)
    Thread.objects.filter(pk=thread.pk).update(created_at=start, last_activity_at=last)


def _demo_files(post: DemoPost) -> list:
    if not post.attachment:
        return []
    from django.core.files.base import ContentFile

    title = post.attachment.rsplit(".", 1)[0]
    return [ContentFile(_small_pdf(title, post.body), name=post.attachment)]


def _small_pdf(title: str, text: str) -> bytes:
    """A one-page PDF with a title and a few lines of text (Helvetica, ASCII), so the demo has
    a real document to download."""
    import textwrap

    def escape(line: str) -> str:
        line = line.encode("ascii", "replace").decode("ascii")
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = [f"BT /F1 16 Tf 72 760 Td ({escape(title)}) Tj ET"]
    for index, line in enumerate(textwrap.wrap(text, 80)):
        lines.append(f"BT /F1 11 Tf 72 {730 - 16 * index} Td ({escape(line)}) Tj ET")
    stream = "\n".join(lines).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)

