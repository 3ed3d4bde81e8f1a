"""Import speed (issue 5, R-11.1): 100,000 customer rows from csv and xlsx, with validation and duplicate checks.

    .venv/bin/python benchmarks/imports.py --db sqlite   --rows 100000
    .venv/bin/python benchmarks/imports.py --db postgres --rows 100000 [--crash]

Each import runs in a child process (upload check + the worker's run), which reports its wall times and
its own peak memory (ru_maxrss). Baselines measured in the same run: parsing the same file with the csv
module alone, and reading the xlsx with the import's own reader alone (`imports.xlsx`, ADR 0023), both
with no validation and no database, so the ratio shows what validation and writing cost. A second import of the csv with `skip` measures the repeat (all rows
are duplicates). `--crash` also runs the 100,000-row SIGKILL test (pytest -m slow) on the same database kind.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import ROOT, configure, fast_passwords  # noqa: E402

HEADER = ["客户名称", "联系人", "联系电话", "邮箱", "所属行业", "客户来源", "意向等级", "省份", "城市", "需求描述", "标签"]
INDUSTRIES = ["制造业", "信息技术", "金融", "零售", "电商", "教育培训", "医疗健康"]
SOURCES = ["展会", "线上广告", "客户转介绍", "电话营销", "线下陌拜"]
INTENTS = ["高意向", "中意向", "低意向"]


def row(i: int, prefix: str) -> list:
    number = i + (500_000_000 if prefix == "XLSX" else 0)  # the two files share no phone
    return [f"{prefix}测试客户{i}科技有限公司", f"联系人{i}", f"13{number:09d}", f"{prefix.lower()}{i}@example.com",
            INDUSTRIES[i % 7], SOURCES[i % 5], INTENTS[i % 3], "浙江", "杭州", f"需要一套CRM系统，预计{i % 50}个账号",
            "重点客户,华东" if i % 4 == 0 else ""]


def write_csv(path: Path, n: int, prefix: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow(row(i, prefix))


def write_xlsx(path: Path, n: int, prefix: str) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户")
    ws.append(HEADER)
    for i in range(n):
        ws.append(row(i, prefix))
    wb.save(path)


def baseline(path: Path) -> float:
    """Seconds to read every row with no validation and no database."""
    t = time.perf_counter()
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            sum(1 for _ in csv.reader(f))
    else:  # the import's own xlsx reader (ADR 0023)
        from huike.imports.xlsx import first_sheet_rows

        with open(path, "rb") as f:
            sum(1 for _ in first_sheet_rows(f))
    return time.perf_counter() - t


def child(path: str, username: str, on_duplicate: str) -> None:
    """In the child: the upload check and the run, timed; prints one JSON line."""
    import django

    django.setup()
    from huike.accounts.models import User
    from huike.imports import services

    actor = User.objects.get(username=username)
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        job = services.import_create(actor=actor, upload=f, name=Path(path).name, size=os.path.getsize(path),
                                     kind="customers", on_duplicate=on_duplicate, draft=True)
    t1 = time.perf_counter()
    job.status = "queued"
    job.save(update_fields=["status"])
    job = services.import_execute(job.pk)
    t2 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"inspect": t1 - t0, "run": t2 - t1, "created": job.created, "skipped": job.skipped,
                      "failed": job.failed_rows, "status": job.status, "cpu": usage.ru_utime + usage.ru_stime,
                      "maxrss_mib": usage.ru_maxrss / 1024}))


def run_child(path: Path, username: str, on_duplicate: str = "skip") -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--user", username,
                          "--on-duplicate", on_duplicate], capture_output=True, text=True, env=os.environ.copy())
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, n: int, base: float, r: dict) -> None:
    total = r["inspect"] + r["run"]
    print(f"{label:<28} {n / total:>9,.0f} rows/s  (check {r['inspect']:.1f} s + run {r['run']:.1f} s; "
          f"created {r['created']:,}, skipped {r['skipped']:,}, errors {r['failed']:,}); peak {r['maxrss_mib']:.0f} MiB; "
          f"{n / r['cpu']:,.0f} rows per CPU-second of the child (the machine is shared); "
          f"baseline read {n / base:,.0f} rows/s, import/baseline time ×{total / base:.1f}; "
          f"load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", default="sqlite")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--formats", default="csv,xlsx")
    p.add_argument("--crash", action="store_true")
    p.add_argument("--child")
    p.add_argument("--user", default="bench")
    p.add_argument("--on-duplicate", default="skip")
    args = p.parse_args()
    if args.child:
        return child(args.child, args.user, args.on_duplicate)
    where = configure(args.db)
    fast_passwords()
    from huike.accounts.models import Role
    from huike.testing.factories import make_user

    make_user("bench", role=Role.ADMIN)
    folder = Path(tempfile.mkdtemp(prefix="huike-import-bench-"))
    print(f"# import benchmark: {args.rows:,} customer rows, {where}")
    for fmt in args.formats.split(","):
        path = folder / f"customers.{fmt}"
        t = time.perf_counter()
        (write_csv if fmt == "csv" else write_xlsx)(path, args.rows, fmt.upper())
        print(f"# wrote {path.name}: {path.stat().st_size / 2**20:.1f} MiB in {time.perf_counter() - t:.1f} s")
        base = statistics.median(baseline(path) for _ in range(3))
        report(f"{fmt} into {args.db}", args.rows, base, run_child(path, "bench"))
        if fmt == "csv":
            report(f"{fmt} again (all skipped)", args.rows, base, run_child(path, "bench"))
    if args.crash:
        env = {**os.environ, "HUIKE_TEST_DB": "postgres" if args.db == "postgres" else "sqlite",
               "HUIKE_CRASH_ROWS": str(args.rows)}
        env.pop("DATABASE_URL", None)
        env.pop("HUIKE_DATA_DIR", None)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        t = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-m", "slow",
                                "src/huike/imports/tests/test_crash_safety.py"], cwd=ROOT, env=env)
        print(f"crash test ({args.rows:,} rows, {args.db}): {'passed' if code == 0 else 'FAILED'} in "
              f"{time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
