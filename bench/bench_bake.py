"""Bake time: render plus hooks, in-process and hermetic, against a minimal template.

The minimal template (one file, a no-op pre- and post-gen hook) is baked the same way in the
same run: it is cookiecutter's fixed cost, which no change to this template can remove.
One `cookiecutter` CLI run (a new process) is timed for reference.
"""

import tempfile
import time
from pathlib import Path

import benchlib
from benchlib import Figure

NOOP_HOOK = "import sys\nsys.exit(0)\n"


def minimal_template(root: Path) -> Path:
    template = root / "minimal"
    (template / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (template / "hooks").mkdir()
    (template / "cookiecutter.json").write_text('{"project_slug": "minimal"}', encoding="utf-8")
    (template / "{{cookiecutter.project_slug}}" / "README.md").write_text(
        "# {{ cookiecutter.project_slug }}\n", encoding="utf-8"
    )
    for hook in ("pre_gen_project.py", "post_gen_project.py"):
        (template / "hooks" / hook).write_text(NOOP_HOOK, encoding="utf-8")
    return template


def bake_times(root: Path, template: Path, iterations: int, hooks: bool = True) -> list[float]:
    times = []
    for index in range(iterations):
        output = root / f"{template.name}-{hooks}-{index}"
        started = time.perf_counter()
        benchlib.bake(output, template=template, hooks=hooks)
        times.append(time.perf_counter() - started)
    return times


def cli_time(root: Path) -> float:
    config = benchlib.hermetic_config(Path(tempfile.mkdtemp(dir=root)))
    cli = benchlib.TOOLS_ENV / "bin" / "cookiecutter"
    command = [cli, "--no-input", "--config-file", config, "-o", root / "cli", benchlib.REPO]
    return benchlib.timed(command, env=benchlib.clean_environ())


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    args_parser.add_argument("--iterations", type=int, default=30)
    args = args_parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-bake-") as tmp:
        root = Path(tmp)
        minimal = minimal_template(root)
        bake_times(root, benchlib.REPO, 2)  # warm-up: imports, jinja2 caches, page cache
        benchlib.say(f"baking the template and a minimal one {args.iterations} times each")
        template, baseline, render_only = [], [], []
        for index in range(args.iterations):  # alternate, so drift hits both alike
            template += bake_times(root / f"t{index}", benchlib.REPO, 1)
            baseline += bake_times(root / f"m{index}", minimal, 1)
            render_only += bake_times(root / f"r{index}", benchlib.REPO, 1, hooks=False)
        cli = cli_time(root)

    median = benchlib.median
    spread = f"min {min(template):.3f}, max {max(template):.3f} s, n={len(template)}"
    figures = [
        Figure("Bake, render + hooks (in-process median)", median(template), "s",
               median(baseline), "minimal template", target=0.5, detail=spread),
        Figure("Bake, render only (hooks off)", median(render_only), "s",
               median(template), "render + hooks"),
        Figure("Bake, `cookiecutter` CLI (one run, new process)", cli, "s",
               median(template), "in-process bake"),
    ]  # fmt: skip
    benchlib.report(figures, args.json)


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
