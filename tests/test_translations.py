"""The five catalogues: complete, without fuzzy guesses, and compiled to match their sources.

A fresh clone has no msgfmt, so the compiled .mo files are committed; these tests read both
with the standard library and compare them, so they run anywhere.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["ja", "lo", "ms", "hi"]


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list), flags."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    field: tuple[str, int | None] | None = None

    def flush() -> None:
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set(), "msgstr": {}}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            field = None
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if line.startswith("#~"):
                entry["obsolete"] = True
            continue
        if line.startswith("msgctxt "):
            if "msgid" in entry:
                flush()
            entry["msgctxt"] = _unquote(line[8:])
            field = ("msgctxt", None)
        elif line.startswith("msgid_plural "):
            entry["msgid_plural"] = _unquote(line[13:])
            field = ("msgid_plural", None)
        elif line.startswith("msgid "):
            if "msgid" in entry:
                flush()
            entry["msgid"] = _unquote(line[6:])
            field = ("msgid", None)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            entry["msgstr"][index] = _unquote(line[line.index("]") + 2 :])
            field = ("msgstr", index)
        elif line.startswith("msgstr "):
            entry["msgstr"][0] = _unquote(line[7:])
            field = ("msgstr", 0)
        elif line.startswith('"') and field is not None:
            name, index = field
            if name == "msgstr":
                entry["msgstr"][index] += _unquote(line)
            else:
                entry[name] += _unquote(line)
    flush()
    return [e for e in entries if e["msgid"] and not e.get("obsolete")]


def _po(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_every_interface_language_has_a_catalogue(lang):
    assert _po(lang).exists(), f"locale/{lang}/LC_MESSAGES/django.po is missing"
    assert _po(lang).with_suffix(".mo").exists(), f"the compiled catalogue for {lang} is missing"


def test_every_catalogue_holds_the_same_strings():
    reference = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(_po("en"))}
    assert reference, "the English catalogue is empty"
    for lang in TRANSLATED:
        ids = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(_po(lang))}
        missing = sorted(m for _, m in reference - ids)
        assert not missing, f"{lang} lacks {len(missing)} strings, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated_without_fuzzy_guesses(lang):
    entries = parse_po(_po(lang))
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_the_compiled_catalogue_matches_its_source(lang):
    with _po(lang).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 - read-only check
    for entry in parse_po(_po(lang)):
        if "fuzzy" in entry["flags"]:
            continue
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                if text:
                    assert compiled.get((key, index)) == text, f"{lang}: stale .mo for {key!r}"
        elif entry["msgstr"].get(0):
            assert compiled.get(key) == entry["msgstr"][0], f"{lang}: stale .mo for {key!r}"
