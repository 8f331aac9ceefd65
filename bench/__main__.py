"""`python -m bench`: migrate a throwaway database, run every benchmark module, print results."""

import importlib
import os
import pkgutil
import time

from bench._database import throwaway_database


def _benchmarks() -> list[str]:
    import bench

    return sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "p3hub.settings"
    with throwaway_database():
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)
        call_command("createcachetable")  # the throttles' counts, without Redis
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        for name in _benchmarks():
            started = time.perf_counter()
            result = importlib.import_module(f"bench.{name}").run()
            print(f"{result}  [{name}, {time.perf_counter() - started:.1f} s]")


if __name__ == "__main__":
    main()
