"""Problems found in an import file, and the report that lists every one of them."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

# Chinese first, English second (DESIGN.md convention 10).
KINDS = {
    "missing_field": ("缺少必填字段", "missing required field"),
    "bad_code": ("编码格式错误", "bad code"),
    "duplicate_code": ("编码重复", "duplicate code"),
    "parent_mismatch": ("上级编码不符", "parent code mismatch"),
    "unknown_parent": ("上级单元不存在", "unknown parent"),
    "district_mismatch": ("区县编码不一致", "district code mismatch"),
    "conflicting_name": ("名称不一致", "conflicting names"),
    "empty_geometry": ("几何为空", "empty geometry"),
    "geometry_type": ("几何类型错误", "wrong geometry type"),
    "invalid_geometry": ("几何无效", "invalid geometry"),
    "bad_coordinates": ("坐标无效", "bad coordinates"),
    "overlap": ("重叠", "overlap"),
    "gap": ("空隙", "gap"),
    "outside_parent": ("超出所属上级", "outside its parent"),
    "across_parent": ("跨越上级边界", "across its parent's boundary"),
    "detached": ("与所属社区其他网格不相连", "detached from its community"),
    "outside_district": ("点位不在辖区网格内", "outside the district"),
    "bad_date": ("日期时间无效", "bad date"),
    "time_order": ("时间顺序错误", "times out of order"),
    "unknown_category": ("未知事件类别", "unknown category"),
    "unknown_source": ("未知来源", "unknown source"),
    "unknown_status": ("未知状态", "unknown status"),
    "unknown_value": ("取值无效", "unknown value"),
    "unknown_owner": ("未知权属单位", "unknown owner"),
    "too_long": ("内容过长", "too long"),
    "unknown_code": ("编码不存在", "unknown code"),
    "duplicate_username": ("用户名重复", "duplicate username"),
    "bad_username": ("用户名格式错误", "bad username"),
    "wrong_scope": ("角色与范围不符", "wrong kind of scope for the role"),
    "bad_phone": ("电话号码无效", "bad phone number"),
    "grid_full": ("网格人数已满", "grid already has three workers"),
    "too_many": ("数量过多", "too many"),
}
UNITS = {"row": ("第{n}行", "row {n}"), "feature": ("第{n}个要素", "feature {n}")}


class ImportRefused(Exception):
    """The import cannot go on at all (a named column is missing, no grids loaded, ...)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one feature or row (``row`` None: with the layer as a whole)."""

    kind: str
    row: int | None
    code: str
    detail: str
    area_m2: float | None = None
    severity: str = "error"


@dataclass
class Report:
    """What an import would load, and everything wrong with the file."""

    file: str
    unit: str = "row"
    problems: list[Problem] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, row: int | None, code: object, detail: str,
            area_m2: float | None = None, severity: str = "error") -> None:
        """Record a problem; ``kind`` must be one of KINDS."""
        if kind not in KINDS:
            raise ValueError(f"unknown problem kind {kind!r}")
        self.problems.append(Problem(kind, row, "" if code is None else str(code), detail,
                                     None if area_m2 is None else float(area_m2), severity))

    def name_rows(self, codes: dict) -> None:
        """Give problems found before the codes were read (coordinates) their row's code."""
        self.problems = [replace(p, code=str(codes.get(p.row, "")))
                         if not p.code and p.row in codes else p for p in self.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def where(self, row: int | None) -> str:
        if row is None:
            return "(整体 layer)"
        zh, en = UNITS[self.unit]
        return f"{zh.format(n=row)} {en.format(n=row)}"

    def line(self, problem: Problem) -> str:
        zh, en = KINDS[problem.kind]
        mark = "" if problem.severity == "error" else "警告 warning: "
        area = "" if problem.area_m2 is None else f" ({problem.area_m2:,.1f} m²)"
        code = f" [{problem.code}]" if problem.code else ""
        return (f"{self.file} {self.where(problem.row)}{code} {mark}{zh} {en}: "
                f"{problem.detail}{area}")

    def render(self) -> list[str]:
        """The summary, the notes, every problem (by row), and a closing count."""
        ordered = sorted(self.problems, key=lambda p: (p.row is None, p.row or 0))
        lines = list(self.summary) + [f"注意 note: {n}" for n in self.notes]
        lines += [self.line(p) for p in ordered]
        n_err, n_warn = len(self.errors), len(self.problems) - len(self.errors)
        lines.append(f"问题 problems: {n_err} 个错误 errors, {n_warn} 个警告 warnings")
        return lines
