#!/usr/bin/env python
"""Seed a benchmark database with forum threads and posts in five languages.

    createdb -h 127.0.0.1 -U postgres tripartite_bench
    export DJANGO_SETTINGS_MODULE=config.settings \\
           DATABASE_URL=postgres://postgres@127.0.0.1:5432/tripartite_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo          # needs DEBUG on (the default without DJANGO_ENV)
    .venv/bin/python bench/seed_forums.py         # 10,000 threads, 100,000 posts

Forum data already in the database is replaced (``TRUNCATE`` of the forum tables), which is why
the script refuses to run unless the database name contains "bench" (``--force`` overrides).

What it makes, deterministically (``--seed``):

* threads spread over every demo space (country spaces, caucuses, the regional space), each
  space writing mostly in its own languages: overall ≥ 20 % Japanese and ≥ 10 % Lao posts,
  the rest English, Malay and Hindi. Sentences are put together from word lists in each script
  (Japanese and Lao without spaces between words, as they are written);
* one long thread in the India dialogue space ("LONG_THREAD_TITLE") with 549 replies, i.e. 11
  full pages, some quoting earlier posts, a few hidden or deleted, many with supports — the page
  the benchmark measures;
* tags on about half the threads, a few pinned threads per space.

Posts are inserted with ``bulk_create``; Markdown is rendered once per distinct body (bodies
are drawn from a pool per language), through the real ``forums.markdown.render``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.permissions import get_standing  # noqa: E402
from dialogue.models import Membership, Space  # noqa: E402
from forums.markdown import render  # noqa: E402
from forums.models import Post, PostRevision, PostSupport, TaggedThread, Thread  # noqa: E402

LONG_THREAD_TITLE = "Benchmark long thread: minimum wage review 2026"
LONG_THREAD_SPACE = "india-dialogue"
LONG_THREAD_POSTS = 550  # the opening post + 549 replies = 11 full pages of 50

# --- Word lists (labour-relations vocabulary) -------------------------------------------------

JA_TOPICS = ["賃金", "最低賃金", "労働時間", "団体交渉", "安全衛生", "育児休業", "非正規雇用",
             "技能実習制度", "社会保障", "働き方改革", "長時間労働", "男女賃金格差", "職場のハラスメント",
             "テレワーク", "春季生活闘争", "労使協議", "外国人労働者", "年金制度"]
JA_ACTORS = ["政府", "使用者団体", "労働組合", "中小企業", "経営側", "労働者側", "厚生労働省",
             "地方自治体", "若年労働者", "女性労働者", "派遣労働者"]
JA_PREDICATES = ["について議論する必要があります", "を見直すべきだと考えます", "の改善が求められています",
                 "に関する調査を実施しました", "について合意に達しました", "の影響を慎重に検討すべきです",
                 "を段階的に進める方針です", "に対する懸念が示されました", "の現状を共有したいと思います",
                 "について具体的な提案があります"]
JA_CONNECT = ["また、", "しかし、", "そのため、", "一方で、", "さらに、", ""]

LO_WORDS_SUBJ = ["ລັດຖະບານ", "ນາຍຈ້າງ", "ສະຫະພັນກຳມະບານ", "ຜູ້ອອກແຮງງານ", "ພວກເຮົາ", "ກະຊວງແຮງງານ",
                 "ສະພາການຄ້າ", "ແຮງງານຍິງ", "ໂຮງງານ", "ວິສາຫະກິດຂະໜາດນ້ອຍ"]
LO_WORDS_VERB = ["ຕ້ອງປັບປຸງ", "ຄວນສົນທະນາກ່ຽວກັບ", "ໄດ້ສະເໜີ", "ຕ້ອງການເພີ່ມ", "ໄດ້ກວດກາ", "ຄວນທົບທວນ",
                 "ໄດ້ຕົກລົງກ່ຽວກັບ", "ມີຄວາມກັງວົນກ່ຽວກັບ"]
LO_WORDS_OBJ = ["ຄ່າແຮງງານຂັ້ນຕ່ຳ", "ຄວາມປອດໄພໃນບ່ອນເຮັດວຽກ", "ສັນຍາແຮງງານ", "ຊົ່ວໂມງເຮັດວຽກ",
                "ປະກັນສັງຄົມ", "ກົດໝາຍແຮງງານ", "ການເຈລະຈາຮ່ວມ", "ແຮງງານເຄື່ອນຍ້າຍ", "ການຝຶກອົບຮົມວິຊາຊີບ"]
LO_WORDS_TAIL = ["ໃນປີນີ້", "ໃນແຂວງຂອງພວກເຮົາ", "ໂດຍໄວ", "ສຳລັບທຸກຄົນ", "ຕາມກົດໝາຍ", ""]

HI_SUBJ = ["सरकार", "नियोक्ताओं", "श्रमिक संघों", "श्रम मंत्रालय", "राज्य सरकारों", "छोटे उद्योगों",
           "महिला श्रमिकों", "असंगठित क्षेत्र"]
HI_OBJ = ["न्यूनतम वेतन", "सामाजिक सुरक्षा", "कार्यस्थल की सुरक्षा", "श्रम संहिता", "सामूहिक सौदेबाजी",
          "काम के घंटे", "प्रवासी श्रमिकों", "कौशल विकास", "मातृत्व लाभ"]
HI_VERB = ["पर चर्चा करनी चाहिए", "की समीक्षा करनी होगी", "में सुधार की आवश्यकता है",
           "पर एक नया प्रस्ताव रखा है", "के बारे में चिंता जताई है", "पर सहमति बनी है"]

MS_SUBJ = ["Kerajaan", "Majikan", "Kesatuan sekerja", "Pekerja kilang", "Kementerian Sumber Manusia",
           "Perusahaan kecil dan sederhana", "Pekerja asing", "Pekerja wanita"]
MS_VERB = ["perlu mengkaji semula", "telah membincangkan", "mencadangkan perubahan kepada",
           "bimbang tentang", "bersetuju dengan", "menyokong pelaksanaan"]
MS_OBJ = ["gaji minimum", "waktu bekerja", "keselamatan pekerjaan", "caruman KWSP", "perundingan kolektif",
          "Akta Kerja", "cuti bersalin", "latihan kemahiran", "skim insurans pekerjaan"]
MS_TAIL = ["tahun ini", "di semua negeri", "secepat mungkin", "untuk sektor perkilangan", ""]

EN_SUBJ = ["The government", "Employers", "The unions", "Small businesses", "The ministry",
           "Women workers", "Platform workers", "Our federation", "The tripartite committee"]
EN_VERB = ["should review", "has proposed changes to", "is concerned about", "agreed to study",
           "wants to phase in", "published new data on", "asked for a consultation on"]
EN_OBJ = ["the minimum wage", "working hours", "occupational safety", "the labour code",
          "collective bargaining", "social security coverage", "maternity protection",
          "skills training", "migrant workers' contracts"]
EN_TAIL = ["this year", "in every province", "before the next session", "for the garment sector",
           "as soon as possible", ""]


def sentence(lang: str, rng: random.Random) -> str:
    c = rng.choice
    if lang == "ja":
        return f"{c(JA_CONNECT)}{c(JA_ACTORS)}は{c(JA_TOPICS)}{c(JA_PREDICATES)}。"
    if lang == "lo":
        return f"{c(LO_WORDS_SUBJ)}{c(LO_WORDS_VERB)}{c(LO_WORDS_OBJ)}{c(LO_WORDS_TAIL)}"
    if lang == "hi":
        return f"{c(HI_SUBJ)} को {c(HI_OBJ)} {c(HI_VERB)}।"
    if lang == "ms":
        return f"{c(MS_SUBJ)} {c(MS_VERB)} {c(MS_OBJ)} {c(MS_TAIL)}".rstrip() + "."
    return f"{c(EN_SUBJ)} {c(EN_VERB)} {c(EN_OBJ)} {c(EN_TAIL)}".rstrip() + "."


def joiner(lang: str) -> str:
    # Japanese runs sentences together; Lao separates phrases with a space; others a space too.
    return "" if lang == "ja" else " "


def body(lang: str, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
        text = joiner(lang).join(sentence(lang, rng) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.1:
            first, *rest = text.split(" ", 1) if lang != "ja" else (text[:4], text[4:])
            text = f"**{first}**" + (" " if lang != "ja" else "") + "".join(rest)
        paragraphs.append(text)
    if rng.random() < 0.08:
        paragraphs.append("\n".join(f"- {sentence(lang, rng)}" for _ in range(3)))
    return "\n\n".join(paragraphs)


def title(lang: str, rng: random.Random) -> str:
    c = rng.choice
    if lang == "ja":
        return f"{c(JA_TOPICS)}{c(['について', 'の見直し', 'に関する意見交換', 'の課題'])}"
    if lang == "lo":
        return f"{c(LO_WORDS_OBJ)}{c(LO_WORDS_TAIL)}"
    if lang == "hi":
        return f"{c(HI_OBJ)} {c(['पर चर्चा', 'की समीक्षा', 'पर प्रस्ताव'])}"
    if lang == "ms":
        return f"{c(MS_OBJ).capitalize()} {c(MS_TAIL)}".strip()
    return f"{c(EN_OBJ).capitalize()} {c(EN_TAIL)}".strip()


# Languages each kind of space writes in (weights).
SPACE_LANGUAGES = {
    "japan": {"ja": 0.9, "en": 0.1},
    "lao-pdr": {"lo": 0.8, "en": 0.2},
    "india": {"en": 0.5, "hi": 0.4, "ja": 0.05, "lo": 0.05},
    "malaysia": {"ms": 0.5, "en": 0.4, "ja": 0.05, "lo": 0.05},
    "regional": {"en": 0.4, "ja": 0.2, "lo": 0.15, "ms": 0.1, "hi": 0.15},
}
COUNTRY_SHARE = 0.21  # of all threads per country (4 countries); the regional space gets the rest
COUNTRY_SPACE_SHARE = 0.6  # of a country's threads in its dialogue space; caucuses share the rest

TAGS = ["minimum-wage", "working-hours", "safety", "social-security", "bargaining", "migration",
        "skills", "gender-equality", "labour-code", "platform-work", "pensions", "youth"]


def language_key(space: Space) -> str:
    for key in SPACE_LANGUAGES:
        if space.slug.startswith(key):
            return key
    return "regional"


def pick(weights: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Seeder:
    def __init__(self, *, threads: int, posts: int, seed: int, pool: int) -> None:
        self.n_threads = threads
        self.n_posts = posts
        self.rng = random.Random(seed)
        self.pool_size = pool
        self.bodies: dict[str, list[tuple[str, str]]] = {}
        self.now = timezone.now()

    # --- preparation -------------------------------------------------------------------------

    def render_pool(self) -> None:
        """A pool of distinct bodies per language, each rendered once."""
        for lang in ("en", "ja", "lo", "ms", "hi"):
            seen: dict[str, str] = {}
            while len(seen) < self.pool_size:
                text = body(lang, self.rng)
                if text not in seen:
                    seen[text] = render(text)
            self.bodies[lang] = list(seen.items())

    def space_plan(self) -> list[tuple[Space, float, list[tuple[int, int | None, str]]]]:
        """(space, share of threads, [(author id, organization id, constituency)])."""
        plan = []
        spaces = list(Space.objects.order_by("pk"))
        countries = [s for s in spaces if s.kind == Space.Kind.COUNTRY]
        n_countries = len(countries) or 1
        for space in spaces:
            if space.kind == Space.Kind.COUNTRY:
                share = COUNTRY_SHARE * COUNTRY_SPACE_SHARE
            elif space.kind == Space.Kind.CAUCUS:
                siblings = sum(1 for s in spaces if s.parent_id == space.parent_id)
                share = COUNTRY_SHARE * (1 - COUNTRY_SPACE_SHARE) / max(siblings, 1)
            else:
                share = max(0.0, 1 - COUNTRY_SHARE * n_countries)
            members = User.objects.filter(
                memberships__space=space, memberships__status=Membership.Status.ACTIVE
            ).distinct()
            authors = []
            for user in members:
                standing = get_standing(user)
                authors.append((user.pk, standing.organization_id, standing.constituency))
            if authors and share > 0:
                plan.append((space, share, authors))
        total = sum(share for _s, share, _a in plan)
        return [(s, share / total, a) for s, share, a in plan]

    # --- writing -----------------------------------------------------------------------------

    def truncate(self) -> None:
        tables = [m._meta.db_table for m in (PostSupport, PostRevision, Post, TaggedThread, Thread)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")

    def make_posts(self, thread: Thread, count: int, weights: dict[str, float], authors,
                   start, end) -> list[Post]:
        """``count`` posts numbered 1.., timestamps spread between ``start`` and ``end``."""
        rng = self.rng
        step = (end - start) / max(count, 1)
        posts = []
        for number in range(1, count + 1):
            lang = pick(weights, rng)
            text, html = rng.choice(self.bodies[lang])
            author_id, org_id, _c = rng.choice(authors)
            posts.append(
                Post(
                    thread_id=thread.pk,
                    number=number,
                    author_id=author_id,
                    author_organization_id=org_id,
                    body_markdown=text,
                    body_html=html,
                    language=lang,
                    created_at=start + step * (number - 1),
                )
            )
        return posts

    def run(self) -> Counter:
        rng = self.rng
        t0 = time.monotonic()
        self.render_pool()
        print(f"rendered {5 * self.pool_size} distinct bodies in {time.monotonic() - t0:.1f}s")
        plan = self.space_plan()
        long_space = next(s for s, _sh, _a in plan if s.slug == LONG_THREAD_SPACE)

        # Reply counts: a long tail (most threads short, some long), scaled to the post budget.
        n_regular = self.n_threads - 1
        budget = self.n_posts - LONG_THREAD_POSTS - n_regular  # replies beyond each opening post
        raw = [rng.paretovariate(1.3) for _ in range(n_regular)]
        scale = budget / sum(raw)
        replies = [int(r * scale) for r in raw]
        replies = [min(r, 300) for r in replies]
        shortfall = budget - sum(replies)
        while shortfall > 0:  # hand out what rounding and the cap left, one reply at a time
            i = rng.randrange(n_regular)
            if replies[i] < 300:
                replies[i] += 1
                shortfall -= 1

        spaces = rng.choices(plan, weights=[sh for _s, sh, _a in plan], k=n_regular)
        threads: list[Thread] = []
        specs = []
        for (space, _share, authors), n_replies in zip(spaces, replies, strict=True):
            weights = SPACE_LANGUAGES[language_key(space)]
            lang = pick(weights, rng)
            created = self.now - timedelta(days=rng.uniform(2, 730))
            last = created + timedelta(days=rng.uniform(0, 60)) if n_replies else created
            last = min(last, self.now - timedelta(hours=1))
            author_id, org_id, _c = rng.choice(authors)
            threads.append(
                Thread(
                    space=space,
                    title=title(lang, rng),
                    author_id=author_id,
                    author_organization_id=org_id,
                    created_at=created,
                    last_activity_at=last,
                    reply_count=n_replies,
                    last_post_number=n_replies + 1,
                )
            )
            specs.append((weights, authors, created, last))
        long_authors = next(a for s, _sh, a in plan if s.pk == long_space.pk)
        long_created = self.now - timedelta(days=90)
        threads.append(
            Thread(
                space=long_space,
                title=LONG_THREAD_TITLE,
                author_id=long_authors[0][0],
                author_organization_id=long_authors[0][1],
                created_at=long_created,
                last_activity_at=self.now,
                reply_count=LONG_THREAD_POSTS - 1,
                last_post_number=LONG_THREAD_POSTS,
            )
        )
        specs.append((SPACE_LANGUAGES["regional"], long_authors, long_created, self.now))
        # A few pinned threads per space (the list shows them first).
        by_space: dict[int, list[Thread]] = {}
        for thread in threads[:-1]:
            by_space.setdefault(thread.space_id, []).append(thread)
        for group in by_space.values():
            for thread in rng.sample(group, min(2, len(group))):
                thread.is_pinned = True

        with transaction.atomic():
            self.truncate()
            Thread.objects.bulk_create(threads, batch_size=2000)
            print(f"{len(threads)} threads at {time.monotonic() - t0:.1f}s")

            tags = [Tag.objects.get_or_create(name=name, slug=name)[0] for name in TAGS]
            tagged = []
            for thread in threads:
                for tag in rng.sample(tags, rng.choice([0, 0, 1, 1, 2])):
                    tagged.append(TaggedThread(content_object_id=thread.pk, tag_id=tag.pk))
            TaggedThread.objects.bulk_create(tagged, batch_size=5000)

            languages: Counter = Counter()
            batch: list[Post] = []
            written = 0
            for thread, (weights, authors, start, end) in zip(threads, specs, strict=True):
                batch.extend(
                    self.make_posts(thread, thread.last_post_number, weights, authors, start, end)
                )
                if len(batch) >= 5000:
                    languages.update(p.language for p in batch)
                    Post.objects.bulk_create(batch, batch_size=5000)
                    written += len(batch)
                    batch = []
            languages.update(p.language for p in batch)
            Post.objects.bulk_create(batch, batch_size=5000)
            written += len(batch)
            print(f"{written} posts at {time.monotonic() - t0:.1f}s")
            self.decorate_long_thread(threads[-1], long_authors)
        with connection.cursor() as cursor:
            for model in (Thread, Post, TaggedThread, PostSupport):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        print(f"done in {time.monotonic() - t0:.1f}s")
        return languages

    def decorate_long_thread(self, thread: Thread, authors) -> None:
        """Quotes, supports, a few hidden and deleted posts: what a real long thread carries."""
        rng = self.rng
        posts = list(Post.objects.filter(thread=thread).order_by("number"))
        changed = []
        for post in posts[1:]:
            roll = rng.random()
            if roll < 0.1:
                post.quote_of_id = rng.choice(posts[: post.number - 1]).pk
            elif roll < 0.115:
                post.is_hidden = True
                post.hidden_reason = "Off topic (benchmark data)."
                post.hidden_at = post.created_at + timedelta(hours=1)
            elif roll < 0.125:
                post.is_deleted = True
                post.deleted_at = post.created_at + timedelta(hours=1)
            else:
                continue
            changed.append(post)
        Post.objects.bulk_update(
            changed, ["quote_of", "is_hidden", "hidden_reason", "hidden_at", "is_deleted",
                      "deleted_at"], batch_size=500
        )
        supporters = [(uid, c) for uid, _org, c in authors if c in ("government", "employers", "workers")]
        supports = []
        for post in posts:
            if post.is_hidden or post.is_deleted:
                continue
            for uid, constituency in supporters:
                if uid != post.author_id and rng.random() < 0.3:
                    supports.append(PostSupport(post=post, user_id=uid, constituency=constituency))
        PostSupport.objects.bulk_create(supports, batch_size=5000)
        print(f"long thread #{thread.pk}: {len(posts)} posts, {len(supports)} supports")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pool", type=int, default=2000, help="distinct bodies per language")
    parser.add_argument("--force", action="store_true",
                        help="seed even if the database name does not contain 'bench'")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" and not args.force:
        sys.exit("The benchmark is meant for PostgreSQL: set DATABASE_URL (or pass --force).")
    if "bench" not in str(name) and not args.force:
        sys.exit(f"Refusing to replace the forum data of {name!r}: use a *bench* database.")
    if args.posts < args.threads + LONG_THREAD_POSTS:
        sys.exit("--posts must exceed --threads by at least the long thread's posts.")
    if not Space.objects.filter(slug=LONG_THREAD_SPACE).exists():
        sys.exit("Run `manage.py load_demo` first (with DEBUG on).")
    languages = Seeder(
        threads=args.threads, posts=args.posts, seed=args.seed, pool=args.pool
    ).run()
    total = sum(languages.values())
    print("posts by language: " + ", ".join(
        f"{lang} {n} ({100 * n / total:.1f} %)" for lang, n in languages.most_common()
    ))
    if languages["ja"] / total < 0.2 or languages["lo"] / total < 0.1:
        sys.exit("Language mix below the target (≥ 20 % Japanese, ≥ 10 % Lao).")


if __name__ == "__main__":
    main()
