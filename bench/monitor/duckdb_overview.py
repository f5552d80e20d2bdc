#!/usr/bin/env python3
"""The province monitoring overview computed by DuckDB over the same data, for comparison with brain-bench monitor.

Exports the SQLite store (enterprises, chain links, indicators) to Parquet once (not timed), loads the tables into an
in-memory DuckDB, then times the same aggregation the product does: per-firm figures for the month, last year, the
previous month and 1-N月累计 (flows summed, stocks at the period end), totals, loss and negative-growth counts,
breakdowns by city, zone, chain and GB/T 4754 division, 新增/退规 counts from annual revenue, and the 24-month series.

usage: python3 bench/monitor/duckdb_overview.py --data DATA_DIR --period 2026-10 [--runs 20]
"""
import argparse, csv, os, sqlite3, statistics, time
import duckdb

INDICATORS = ["output_value", "revenue", "profit", "electricity", "tax", "employees", "export_value", "rd_expense", "receivables", "inventory"]
STOCKS = {"employees", "receivables", "inventory"}


def months(y, m):
    return f"{y:04d}-{m:02d}"


def windows(period):
    y, m = map(int, period.split("-"))
    cur = [months(y, 1), months(y, 2)] if m == 2 else [months(y, m)]
    cur_ly = [months(y - 1, 1), months(y - 1, 2)] if m == 2 else [months(y - 1, m)]
    py, pm = (y - 1, 12) if m in (1, 2) else (y, m - 1)
    prev = [months(py, pm)] if pm != 2 else [months(py, 1), months(py, 2)]
    cum = [months(y, k) for k in range(1, m + 1)]
    cum_ly = [months(y - 1, k) for k in range(1, m + 1)]
    return {"m": cur, "mly": cur_ly, "prev": prev, "cum": cum, "cumly": cum_ly}


def firm_sql(period):
    w = windows(period)
    cols = []
    for ind in INDICATORS:
        for name, ms in w.items():
            lst = ",".join(f"'{x}'" for x in ms)
            if ind in STOCKS:
                cols.append(f"max(case when i.month = '{ms[-1]}' then i.{ind} end) as {ind}_{name}")
            else:
                cols.append(f"sum(case when i.month in ({lst}) then i.{ind} end) as {ind}_{name}")
    lo = min(min(v) for v in w.values())
    return f"""create or replace temp table f as
        select e.uscc, e.region, substr(e.region, 1, 4) || '00' as city, coalesce(e.zone, '-') as zone,
               substr(e.industry, 1, 2) as division, {", ".join(cols)}
        from e join i on i.uscc = e.uscc
        where e.above_scale = 1 and i.month >= '{lo}' and i.month <= '{period}'
        group by e.uscc, e.region, e.zone, e.industry"""


def group_sql(key, source="f"):
    return f"""select {key} as k, count(*) as firms,
        sum(output_value_cum), sum(output_value_cumly), sum(revenue_cum), sum(revenue_cumly), sum(profit_cum), sum(profit_cumly),
        sum(electricity_cum), sum(electricity_cumly), count(*) filter (where profit_cum < 0) * 100.0 / nullif(count(profit_cum), 0)
        from {source} group by {key}"""


def run(con, period):
    y, m = map(int, period.split("-"))
    results = {}
    con.execute(firm_sql(period))
    sums = ", ".join(f"sum({ind}_{w})" for ind in INDICATORS for w in ("m", "mly", "prev", "cum", "cumly"))
    results["totals"] = con.execute(f"select count(*), {sums} from f").fetchall()
    results["loss"] = con.execute("""select count(*) filter (where profit_cum < 0), sum(-profit_cum) filter (where profit_cum < 0),
        sum(-profit_cumly) filter (where profit_cumly < 0), count(*) filter (where output_value_cumly > 0 and output_value_cum < output_value_cumly),
        count(*) filter (where output_value_cumly > 0), count(profit_cum) from f""").fetchall()
    results["cities"] = con.execute(group_sql("city")).fetchall()
    results["zones"] = con.execute(group_sql("zone")).fetchall()
    results["divisions"] = con.execute(group_sql("division")).fetchall()
    results["chains"] = con.execute(group_sql("l.chain", "f join (select distinct uscc, chain from l) l on l.uscc = f.uscc")).fetchall()
    results["reporting"] = con.execute("select count(output_value_m) from f").fetchall()
    results["movers"] = con.execute(f"""with a as (
            select uscc, sum(revenue) filter (where substr(month, 1, 4) = '{y - 1}') as r1, count(revenue) filter (where substr(month, 1, 4) = '{y - 1}' and month >= '{y - 1}-02') as n1,
                   sum(revenue) filter (where substr(month, 1, 4) = '{y - 2}') as r2, count(revenue) filter (where substr(month, 1, 4) = '{y - 2}' and month >= '{y - 2}-02') as n2
            from i where month >= '{y - 2}-01' and month <= '{y - 1}-12' group by uscc)
        select count(*) filter (where n1 >= 11 and n2 >= 11 and r1 >= 2000 and r2 < 2000),
               count(*) filter (where n1 >= 11 and n2 >= 11 and r1 < 2000 and r2 >= 2000) from a""").fetchall()
    first = months(y - 3, m)
    results["series"] = con.execute(f"""select i.month, sum(i.output_value), sum(i.revenue), sum(i.profit), sum(i.electricity)
        from i join e on e.uscc = i.uscc where e.above_scale = 1 and i.month >= '{first}' and i.month <= '{period}'
        group by i.month order by i.month""").fetchall()
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="brain data folder holding brain.sqlite")
    ap.add_argument("--period", required=True, help="reporting month YYYY-MM")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    parquet = os.path.join(args.data, "duckdb-export")
    os.makedirs(parquet, exist_ok=True)
    src = sqlite3.connect(os.path.join(args.data, "brain.sqlite"))
    con = duckdb.connect()
    numeric = set(INDICATORS) | {"employees", "above_scale", "founded"}
    for table, name in [("enterprises", "e"), ("enterprise_links", "l"), ("indicators", "i")]:
        path = os.path.join(parquet, table + ".parquet")
        if not os.path.exists(path):
            cur = src.execute(f"select * from {table}")
            cols = [d[0] for d in cur.description]
            csv_path = os.path.join(parquet, table + ".csv")
            with open(csv_path, "w", newline="") as fh:
                wr = csv.writer(fh)
                wr.writerow(cols)
                wr.writerows(cur)
            types = ", ".join(f"'{c}': '{'DOUBLE' if c in numeric else 'VARCHAR'}'" for c in cols)
            con.execute(f"copy (select * from read_csv('{csv_path}', header=true, columns={{{types}}})) to '{path}' (format parquet)")
            os.remove(csv_path)
        con.execute(f"create table {name} as select * from read_parquet('{path}')")
    run(con, args.period)  # warm-up
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        res = run(con, args.period)
        times.append(time.perf_counter() - t0)
    tot = res["totals"][0]
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    print(f"duckdb {duckdb.__version__}, {threads} threads, tables in memory")
    print(f"province overview {args.period}: {tot[0]} firms, 工业总产值 1-N月 {tot[1 + 3]:.0f} 万元, {len(res['cities'])} cities, {len(res['zones'])} zones, {len(res['chains'])} chains, {len(res['divisions'])} divisions")
    print(f"duckdb overview: median {statistics.median(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
