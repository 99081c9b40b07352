"""Small helpers shared by the reference-loader tests."""

from pathlib import Path

from reference.loading import LoadReport


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines[line - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def counts(report: LoadReport) -> dict[str, tuple[int, int, int]]:
    return {kind.kind: (kind.counts.created, kind.counts.updated, kind.counts.unchanged) for kind in report.kinds}
