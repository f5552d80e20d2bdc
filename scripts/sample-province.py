#!/usr/bin/env python3
"""Writes believable sample files for a province that adopts the platform (python3 standard library only).

    python3 scripts/sample-province.py --province 44 --out /tmp/gd

writes, into --out:
  chains.csv        one chain definition table (three chains of the province, links with GB/T 4754 classes)
  zones.csv         a development zone table (Guangdong: three zones; other provinces: one provincial zone per
                    city, for the first three cities)
  enterprises.csv   a register of --firms firms in the province's counties (valid 统一社会信用代码, GB/T 2260 codes
                    from Sources/BrainCore/Resources/china-regions.csv); most without chain links (placed by class)
  indicators.csv    24 months of monthly indicators per firm, ending with --last-month (default: last month)

Same --seed, same files. The firms and figures are invented.
"""
import argparse
import csv
import datetime
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGIONS = os.path.join(ROOT, "Sources", "BrainCore", "Resources", "china-regions.csv")

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Three chains as a province would write them: (chain code, name, cluster, [(link, name, stage, feeds, products, classes)]).
CHAINS = [
    ("EI", "电子信息", "新一代电子信息", [
        ("EI-01", "电子专用材料", "上游", "EI-03;EI-04", "电子化学品;覆铜板;电子浆料", "3985"),
        ("EI-02", "集成电路", "上游", "EI-04;EI-05", "芯片;封装测试", "3973;3972"),
        ("EI-03", "电子元件", "中游", "EI-04", "电容器;电感;印制电路板", "3981;3982;3983"),
        ("EI-04", "显示与光电", "中游", "EI-05", "显示面板;LED器件;光模块", "3974;3975;3976"),
        ("EI-05", "整机与终端", "下游", "", "手机;计算机;通信设备;可穿戴设备", "3911;3921;3922;3961"),
    ]),
    ("NEV", "新能源汽车", "智能网联新能源汽车", [
        ("NEV-01", "动力电池", "上游", "NEV-03", "锂离子电池;电池模组", "3841"),
        ("NEV-02", "驱动电机与电控", "中游", "NEV-03", "驱动电机;电机控制器", "3812;3813"),
        ("NEV-03", "整车", "下游", "", "纯电动汽车;插电式混合动力汽车", "3612"),
        ("NEV-04", "汽车零部件", "中游", "NEV-03", "车身件;底盘件;汽车电子", "3670"),
    ]),
    ("HA", "智能家电", "智能家电", [
        ("HA-01", "家电配件", "上游", "HA-02;HA-03", "压缩机;电机;温控器", "3857:家用电力器具专用配件制造"),
        ("HA-02", "空调与制冷", "下游", "", "空调;冰箱;冷柜", "3851:家用制冷电器具制造;3852:家用空气调节器制造"),
        ("HA-03", "厨卫与小家电", "下游", "", "电饭煲;微波炉;热水器;扫地机器人", "3854:家用厨房电器具制造;3855:家用清洁卫生电器具制造"),
    ]),
]

# Guangdong's zones as a province would write them (code, name, short name, level, kind, counties, chains).
ZONES_44 = [
    ("Z440101", "广州经济技术开发区", "广州开发区", "国家级", "国家级经开区", "440112", "EI;NEV"),
    ("Z440301", "深圳市高新技术产业园区", "深圳高新区", "国家级", "国家级高新区", "440305", "EI"),
    ("Z440601", "佛山高新技术产业开发区", "佛山高新区", "国家级", "国家级高新区", "440605;440606", "HA"),
]

NAME_HEADS = ["华", "粤", "鹏", "珠", "南", "嘉", "恒", "新", "创", "联", "达", "瑞", "汇", "宏", "盛", "远", "科", "信", "德", "美"]
NAME_TAILS = ["电子", "科技", "精密", "智能", "电器", "新材料", "动力", "光电", "实业", "制造"]


def check_char(prefix17):
    total = sum(ALPHABET.index(c) * w for c, w in zip(prefix17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code(region, body):
    """A valid 统一社会信用代码 (GB 32100-2015): 9 1 + region + body + GB 11714 check + check character."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, ORG_WEIGHTS))
    r = 11 - total % 11
    org = "X" if r == 10 else ("0" if r == 11 else str(r))
    prefix = "91" + region + body + org
    return prefix + check_char(prefix)


def province_places(code):
    """The province's name and the places a firm can be registered: counties, and cities without counties."""
    rows = list(csv.DictReader(open(REGIONS, encoding="utf-8")))
    mine = [r for r in rows if r["code"].startswith(code)]
    if not any(r["level"] == "province" for r in mine):
        raise SystemExit(f"{code} is not a province code of china-regions.csv")
    parents = {r["parent"] for r in mine if r["parent"]}
    leaves = [r for r in mine if r["level"] != "province" and r["code"] not in parents]
    name = next(r["name"] for r in mine if r["level"] == "province")
    return name, leaves


def previous_month(today):
    first = today.replace(day=1)
    last = first - datetime.timedelta(days=1)
    return last.year, last.month


def months_back(year, month, n):
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--province", default="44", help="two-digit GB/T 2260 province code (default 44, 广东)")
    ap.add_argument("--out", required=True, help="folder to write into (created)")
    ap.add_argument("--firms", type=int, default=240, help="firms in the register (default 240)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--last-month", help="last month YYYY-MM (default: the month before today)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    province_name, places = province_places(args.province)
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(args.out, "chains.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["chain_code", "chain_name", "cluster", "link_code", "link_name", "stage", "feeds", "products", "industries"])
        for code, name, cluster, links in CHAINS:
            for link in links:
                w.writerow([code, name, cluster, *link])

    with open(os.path.join(args.out, "zones.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "short_name", "level", "kind", "region", "chains"])
        if args.province == "44":
            w.writerows(ZONES_44)
        else:
            cities = sorted({p["code"][:4] for p in places})[:3]
            for k, city in enumerate(cities):
                county = next(p for p in places if p["code"].startswith(city))
                w.writerow([f"Z{city}01", f"{county['name']}工业园区", f"{county['name']}园区", "省级", "", county["code"], ""])

    links = [(chain, link) for chain in CHAINS for link in chain[3]]
    firms = []
    seen = set()
    for i in range(args.firms):
        place = rng.choice(places)
        chain, link = rng.choice(links)
        klass = rng.choice(link[5].split(";")).split(":")[0]
        while True:
            body = "".join(rng.choice(ORG_SYMBOLS) for _ in range(8))
            uscc = credit_code(place["code"], body)
            if uscc not in seen:
                seen.add(uscc)
                break
        employees = int(rng.lognormvariate(5.0, 0.9)) + 20
        revenue = round(max(2100.0, employees * rng.uniform(60, 180)), 1)  # 万元, last full year: every firm 规上
        # One firm in ten names its link in the register; the others are placed on links by their class.
        explicit = link[0] if i % 10 == 0 else ""
        name = f"{place['name'].rstrip('市区县')}{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}有限公司"
        firms.append({"uscc": uscc, "name": name, "region": place["code"], "industry": klass, "employees": employees,
                      "revenue": revenue, "chain_links": explicit, "founded": rng.randint(1988, 2022)})
    with open(os.path.join(args.out, "enterprises.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["uscc", "name", "region", "industry", "employees", "revenue", "chain_links", "founded"])
        w.writeheader()
        w.writerows(firms)

    if args.last_month:
        y, m = (int(x) for x in args.last_month.split("-"))
    else:
        y, m = previous_month(datetime.date.today())
    months = months_back(y, m, 24)
    columns = ["uscc", "month", "output_value", "revenue", "profit", "electricity", "tax", "employees", "export_value",
               "rd_expense", "receivables", "inventory"]
    with open(os.path.join(args.out, "indicators.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for firm in firms:
            monthly = firm["revenue"] / 12
            trend = rng.uniform(-0.010, 0.012)   # monthly drift: some firms grow, some shrink
            margin = rng.uniform(-0.03, 0.09)
            level = monthly
            for k, month in enumerate(months):
                level *= 1 + trend + rng.gauss(0, 0.03)
                season = 0.75 if month.endswith("-02") else (1.12 if month.endswith("-12") else 1.0)
                revenue = max(1.0, level * season)
                output = revenue * rng.uniform(0.95, 1.08)
                profit = revenue * (margin + rng.gauss(0, 0.02))
                electricity = output * rng.uniform(0.010, 0.020)   # 万千瓦时 per 万元 of output
                w.writerow([firm["uscc"], month, f"{output:.1f}", f"{revenue:.1f}", f"{profit:.1f}", f"{electricity:.2f}",
                            f"{revenue * rng.uniform(0.02, 0.05):.1f}", int(firm["employees"] * rng.uniform(0.97, 1.03)),
                            f"{revenue * rng.uniform(0.0, 0.3):.1f}", f"{revenue * rng.uniform(0.01, 0.05):.1f}",
                            f"{revenue * rng.uniform(0.8, 1.6):.1f}", f"{revenue * rng.uniform(0.3, 0.7):.1f}"])
    print(f"{province_name}: wrote chains.csv ({len(links)} links), enterprises.csv ({len(firms)} firms in {len(places)} places), "
          f"indicators.csv ({len(firms) * len(months)} rows, {months[0]}..{months[-1]}) to {args.out}")


if __name__ == "__main__":
    main()
