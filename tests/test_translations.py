"""Every app's Simplified Chinese catalogue is complete and its compiled .mo matches the .po that is committed.

A fresh machine has no GNU gettext, so the compiled catalogues are committed; this catches a .po edited without
recompiling, an untranslated string, or a fuzzy guess left behind by makemessages.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "zhizheng").glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def _entries(po: Path) -> list[dict[str, object]]:
    """A small .po reader: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""

    def flush() -> None:
        if "msgid" in current:
            entries.append(dict(current))
        current.clear()

    for raw in po.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = ""
            continue
        if line.startswith("#,"):
            if "msgid" in current:
                flush()
            current["flags"] = line[2:].strip()
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)
            continue
        name, _, value = line.partition(" ")
        if name == "msgid" and "msgid" in current:
            flush()
        key = name
        current[key] = ast.literal_eval(value)
    flush()
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=[p.parts[-5] for p in CATALOGUES])
def test_catalogue_is_complete_and_compiled(po: Path) -> None:
    entries = [e for e in _entries(po) if e["msgid"]]
    assert entries, f"{po} has no messages"
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]

    untranslated, fuzzy, stale = [], [], []
    for entry in entries:
        msgid = str(entry["msgid"])
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "fuzzy" in str(entry.get("flags", "")):
            fuzzy.append(msgid)
        if "msgid_plural" in entry:
            forms = sorted(k for k in entry if k.startswith("msgstr["))
            if not all(entry[k] for k in forms):
                untranslated.append(msgid)
            if [compiled.get((msgid, i)) for i in range(len(forms))] != [entry[k] for k in forms]:
                stale.append(msgid)
            continue
        if not entry.get("msgstr"):
            untranslated.append(msgid)
        elif compiled.get(msgid) != entry["msgstr"]:
            stale.append(msgid)

    assert untranslated == [], f"untranslated in {po}"
    assert fuzzy == [], f"fuzzy in {po}"
    assert stale == [], f"{po.with_suffix('.mo')} is out of date: run compilemessages"


def test_every_app_with_user_facing_text_has_a_catalogue() -> None:
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "accounts", "orgs", "ledger", "registries", "certificates", "govservices", "cityevents"} <= apps
    assert {"datahub", "web"} <= apps
