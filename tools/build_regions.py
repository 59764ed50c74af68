"""Build berdaya/regions/data/regions.csv from the npm package idn-area-data.

Usage: python tools/build_regions.py PATH/TO/idn-area-data/package

The dataset is published under the Open Database License (ODbL) 1.0; the built file is a
derivative database and is distributed under the same licence (see the NOTICE beside it).
Kept: every province, regency/city and district of Indonesia, and the villages of East
Kalimantan (64). Added: the five regency codes that left province 64 for North Kalimantan
(65) in 2012, marked historical, so that older NIKs stay readable.
"""

import csv
import sys
from pathlib import Path

PROVINCE = "64"
# Regencies moved to North Kalimantan by UU 20/2012; old NIKs still carry the 64.xx code.
HISTORICAL = {
    "64.04": ("Kabupaten Bulungan", "65.01"),
    "64.05": ("Kabupaten Malinau", "65.02"),
    "64.06": ("Kabupaten Nunukan", "65.03"),
    "64.10": ("Kabupaten Tana Tidung", "65.04"),
    "64.73": ("Kota Tarakan", "65.71"),
}


def main(src: Path, out: Path) -> None:
    data = src / "data"
    rows: list[tuple[str, str, str, str, str, str]] = []
    with open(data / "provinces.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["code"], "province", "", r["name"], "", ""))
    with open(data / "regencies.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["code"], "regency", r["province_code"], r["name"], "", ""))
    for code, (name, successor) in HISTORICAL.items():
        rows.append((code, "regency", PROVINCE, name, "1", successor))
    with open(data / "districts.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["code"], "district", r["regency_code"], r["name"], "", ""))
    with open(data / "villages.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["code"].startswith(PROVINCE + "."):
                rows.append((r["code"], "village", r["district_code"], r["name"], "", ""))
    order = {"province": 0, "regency": 1, "district": 2, "village": 3}
    rows.sort(key=lambda r: (order[r[1]], r[0]))
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "level", "parent", "name", "historical", "successor"])
        w.writerows(rows)
    print(f"{len(rows)} regions written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).parent.parent / "berdaya/regions/data/regions.csv")
