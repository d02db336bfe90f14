"""The `reachability` command: crawl an app list, run the offline demo, check a config.

    reachability crawl CONFIG [--output DIR] [--run-id ID] [--apps a,b] [--concurrency N]
    reachability demo [--output DIR] [--port N]
    reachability check-config CONFIG

Bad input gets one clear message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .config import ConfigError, CrawlConfig, load_config
from .dataset import new_run_id, validate_run_id
from .records import AppResult
from .sharding import parse_shard

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "demo.yaml"
DEMO_PORT = 8766


class UsageError(Exception):
    """A problem with what the user asked for: printed, exit code 2."""


def _run_spider(config: CrawlConfig, output: Path, run_id: str, apps: str | None,
                concurrency: int | None, log_level: str, resume: bool = False,
                shard: str | None = None) -> list[AppResult]:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from .spiders.reachability import ReachabilitySpider

    settings = get_project_settings()
    settings.set("LOG_LEVEL", log_level)
    settings.set("PLAYWRIGHT_MAX_CONTEXTS", concurrency or config.settings.concurrent_apps)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReachabilitySpider)
    process.crawl(crawler, config=config, output=str(output), run_id=run_id, apps=apps, resume=resume, shard=shard)
    process.start()
    return list(getattr(crawler.spider, "results", []) or [])


def _summary(results: list[AppResult], output: Path, run_id: str) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # rich is a dependency, but the numbers matter more than the table
        for r in results:
            print(f"{r.app_id}\t{r.status}\t{r.clicks_to_human}\t{r.human_channel}\t{' › '.join(r.path_to_human or [])}")
        return
    table = Table(title=f"run {run_id}: {len(results)} apps → {output}")
    for col in ("app", "status", "clicks to human", "channel", "path", "states", "time"):
        table.add_column(col)
    for r in sorted(results, key=lambda r: (r.clicks_to_human is None, r.clicks_to_human or 0, r.app_id)):
        table.add_row(r.app_id, r.status, "" if r.clicks_to_human is None else str(r.clicks_to_human),
                      r.human_channel or "", " › ".join(r.path_to_human or []) if r.path_to_human is not None else "",
                      str(r.states_explored), f"{r.duration_s:.0f}s")
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def cmd_crawl(args: argparse.Namespace, config: CrawlConfig | None = None) -> int:
    config = config or load_config(args.config)
    if args.resume and not args.run_id:
        raise UsageError("--resume needs the --run-id of the run to complete")
    if args.shard:
        parse_shard(args.shard)
    run_id = validate_run_id(args.run_id) if args.run_id else new_run_id()
    wanted = [a for a in (args.apps or "").split(",") if a]
    unknown = [a for a in wanted if a not in {app.id for app in config.apps}]
    if unknown:
        raise UsageError(f"--apps: no app with id {', '.join(map(repr, unknown))} in {config.source}")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    results = _run_spider(config, output, run_id, args.apps, args.concurrency, args.log_level,
                          resume=args.resume, shard=args.shard)
    _summary(results, output, run_id)
    return 0


def _free_port(preferred: int) -> int:
    if preferred == 0:
        return 0
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo.server import FixtureServer, sites_root

    config = load_config(args.config or DEMO_CONFIG)
    port = _free_port(args.port)
    with FixtureServer(sites_root(), port=port).start() as server:
        for app in config.apps:  # the demo config names port 8766; follow the port really used
            parts = urlsplit(app.start_url)
            app.start_url = urlunsplit(parts._replace(netloc=f"{parts.hostname}:{server.port}"))
        print(f"demo help centres served on http://<app>.localhost:{server.port}/ ({len(config.apps)} apps)")
        return cmd_crawl(args, config)


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(f"{args.config}: OK, {len(config.apps)} apps")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reachability", description="How many taps to a human in customer service?")
    sub = parser.add_subparsers(dest="command", required=True)

    def crawl_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--output", default="output", help="dataset root (default: output/)")
        p.add_argument("--run-id", help="run id (default: UTC time, e.g. 20261124T071500Z)")
        p.add_argument("--apps", help="comma-separated app ids to crawl (default: all)")
        p.add_argument("--concurrency", type=int, help="apps explored at once (default: from config)")
        p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
        p.add_argument("--resume", action="store_true",
                       help="complete run --run-id: apps already in the dataset are skipped")
        p.add_argument("--shard", help="I/N: crawl only shard I of N (stable hash of the app id)")

    p = sub.add_parser("crawl", help="explore every app of a config and write the dataset")
    p.add_argument("config", help="YAML app list, e.g. configs/apps.yaml")
    crawl_options(p)
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("demo", help="serve the bundled demo help centres on loopback and crawl them")
    p.add_argument("--config", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=DEMO_PORT)
    crawl_options(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check-config", help="validate a config file offline")
    p.add_argument("config")
    p.set_defaults(func=cmd_check_config)
    from .report import add_report_command
    add_report_command(sub)
    from .export import add_commands
    add_commands(sub)
    from .distributed import add_commands as add_distributed_commands
    add_distributed_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. an invalid --run-id
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: apps already written are kept", file=sys.stderr)
        return 130
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
