"""Fill translations into a .po file from a JSON object {msgid: msgstr}; clears fuzzy flags.

Usage: python tools/po_fill.py berdaya/locale/id/LC_MESSAGES/django.po translations.json
Then: berdaya compilemessages. Prints the msgids still untranslated.
"""

import json
import re
import sys


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(po_path: str, json_path: str) -> None:
    table = json.load(open(json_path, encoding="utf-8"))
    blocks = open(po_path, encoding="utf-8").read().split("\n\n")
    out, missing = [], []
    for block in blocks:
        lines = block.split("\n")
        m = re.search(r'^msgid (".*")$', block, re.M)
        if not m or block.startswith('msgid ""\nmsgstr ""'):
            out.append(block)
            continue
        i = lines.index("msgid " + m.group(1))
        j = i + 1
        while j < len(lines) and lines[j].startswith('"'):
            j += 1
        msgid = unquote([m.group(1)] + lines[i + 1 : j])
        plural = any(line.startswith("msgid_plural") for line in lines)
        if msgid in table and not plural:
            head = [ln for ln in lines[:i] if not ln.startswith(("#, fuzzy", "#| "))]
            block = "\n".join(head + lines[i:j] + ["msgstr " + quote(table[msgid])])
        else:
            empty = block.rstrip().endswith('msgstr ""') or "#, fuzzy" in block
            if empty and not plural:
                missing.append(msgid)
        out.append(block)
    open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
