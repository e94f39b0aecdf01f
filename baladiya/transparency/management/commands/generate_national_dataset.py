"""Create a synthetic country (structures, services, procedures, N cases with events)."""

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

    def handle(self, *args: Any, **options: Any) -> None:
        timings = generate(
            options["cases"],
            seed=options["seed"],
            rebuild=not options["no_rebuild"],
            log=self.stdout.write,
        )
        self.stdout.write(", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
