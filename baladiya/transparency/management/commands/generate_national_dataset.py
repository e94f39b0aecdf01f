"""Create a synthetic country (structures, services, procedures, N cases and concerns)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baladiya.transparency.generate import generate


class Command(BaseCommand):
    help = "Add N synthetic cases over two years to every commune, then rebuild the statistics."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--no-rebuild", action="store_true")
        parser.add_argument(
            "--concern-share",
            type=float,
            default=0.25,
            help="Concerns to add, as a share of the cases (default 0.25).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        timings = generate(
            options["cases"],
            seed=options["seed"],
            rebuild=not options["no_rebuild"],
            concern_share=options["concern_share"],
            log=self.stdout.write,
        )
        self.stdout.write(", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
