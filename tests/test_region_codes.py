"""The GB/T 2260 code table shipped as data, and its lookups: names ↔ codes, the regions above a
code, what a code is for a table of a given year, and the regions a unit's name mentions."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from perfscore import regions
from perfscore.regions import TABLE_FILE, check, find, lookup, name, parents, table_date


def test_the_table_says_its_sources_and_date() -> None:
    head = [line for line in TABLE_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = "\n".join(head)
    assert "https://github.com/cn/GB2260" in text and "stats.gov.cn" in text and "民政部" in text
    assert f"Table date: {table_date()}" in text
    assert table_date() == "2023-06"


def test_the_table_is_well_formed() -> None:
    every = regions.all_regions()
    assert len(every) > 7000
    for region in every:
        assert len(region.code) == 6 and region.code.isdigit(), region
        assert region.name and region.first <= region.last, region
        assert region.name not in region.former


def test_the_table_is_the_union_of_revisions() -> None:
    gone = lookup("430622")  # 临湘县, a 县级市 (430682) since the 1990s
    assert gone is not None and gone.name == "临湘县" and gone.last == "199112"
    renamed = lookup("420600")
    assert renamed is not None and renamed.name == "襄阳市" and "襄樊市" in renamed.former
    assert lookup("430602") is not None and lookup("430602").last == "202306"  # type: ignore[union-attr]


def test_names_and_levels() -> None:
    assert name("430602") == "岳阳楼区" and name("430600") == "岳阳市" and name("430000") == "湖南省"
    assert name("CN") == "全国" and name("999999") == ""
    assert [regions.level(c) for c in ("430000", "430600", "430602")] == ["province", "city", "county"]


def test_parents_county_city_province() -> None:
    assert [(r.code, r.name) for r in parents("430602")] == [("430600", "岳阳市"), ("430000", "湖南省")]
    assert [r.code for r in parents("430600")] == ["430000"]
    assert parents("430000") == ()
    assert [r.code for r in parents("429004")] == ["420000"]  # 仙桃市: 省直辖, no 4290 city named
    assert [r.code for r in parents("110105")] == ["110000"]  # not 110100 市辖区
    assert parents("hunan") == ()


@pytest.mark.parametrize(
    ("code", "year", "status"),
    [
        ("430602", 2023, "known"),
        ("430602", 0, "known"),
        ("430622", 1991, "known"),
        ("430622", 1992, "known"),  # within a year of its last listing
        ("430622", 2023, "withdrawn"),
        ("999999", 2023, "unknown"),  # no province 99
        ("999999", 2030, "unknown"),
        ("430699", 2021, "unknown"),  # 湖南 exists, and the table covers 2021
        ("430699", 2023, "unlisted"),  # …but a 2023 code may be newer than 2023-06
        ("430699", 2024, "unlisted"),
        ("430699", 0, "unlisted"),
        ("hunan", 2023, "malformed"),
        ("43060", 2023, "malformed"),
        ("430602\n", 2023, "malformed"),
        ("４３０６０２", 2023, "malformed"),
    ],
)
def test_check(code: str, year: int, status: str) -> None:
    assert check(code, year) == status


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("岳阳楼区工伤保险服务中心", "430602"),
        ("湖南省岳阳市岳阳楼区工伤保险服务中心", "430602"),
        ("岳阳市岳阳楼区人力资源和社会保障局", "430602"),
        ("岳阳县工伤保险服务中心", "430621"),  # not 岳阳市: the longest name wins
        ("湖南岳阳", "430600"),  # short names
        ("湖南省财政厅", "430000"),
        ("湖南", "430000"),
        ("北京市朝阳区财政局", "110105"),  # the city decides between two 朝阳区
        ("吉林省吉林市财政局", "220200"),
        ("襄樊市民政局", "420600"),  # a former name
        ("会同县财政局", "431225"),
        ("北京市朝阳", "110000"),  # 朝阳区 cut off by a cell's edge: the whole name decides, not 朝阳市
    ],
)
def test_find_names_the_region(text: str, code: str) -> None:
    found = find(text)
    assert found.code == code and found.ambiguous == ()


def test_find_reports_ambiguity_and_never_guesses() -> None:
    one_name = find("朝阳区财政局")
    assert one_name.code == "" and one_name.ambiguous == ("110105", "220104")
    province_or_city = find("吉林财政")  # 吉林省 or 吉林市
    assert province_or_city.code == "" and set(province_or_city.ambiguous) == {"220000", "220200"}
    two_places = find("长沙市财政局赴岳阳市调研")
    assert two_places.code == "" and set(two_places.ambiguous) == {"430100", "430600"}
    assert [m.text for m in two_places.matches] == ["长沙市", "岳阳市"]


def test_find_without_a_place() -> None:
    found = find("工伤保险服务中心")
    assert found == regions.Found("", ())
    assert find("").code == ""


def test_find_ignores_placeholders() -> None:
    assert find("市辖区").matches == ()


def test_the_wheel_carries_the_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("perfscore-*.whl")
    assert "perfscore/regions/gb2260.tsv" in zipfile.ZipFile(wheel).namelist()


def _read_whole() -> dict[str, regions.Region]:
    """The table as read whole, line by line (what the lazy lookups must agree with)."""
    whole: dict[str, regions.Region] = {}
    with TABLE_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("#", "code\t")) or not line.strip():
                continue
            code, label, first, last, former = line.rstrip("\n").split("\t")
            whole[code] = regions.Region(code, label, first, last, tuple(f for f in former.split("|") if f))
    return whole


def test_lookups_build_only_what_they_ask_and_agree_with_the_whole_table() -> None:
    """A lookup builds only the entry it asks for; every entry and status is the one the whole
    table gives (the status by the rule of :data:`regions.CodeStatus`, applied to every code)."""
    code = "from perfscore.regions import table as t\nt.check('430602', 2021)\nprint(t._region.cache_info().currsize, t._table.cache_info().currsize)"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == ["1", "0"]
    whole = _read_whole()
    latest = max(r.last for r in whole.values())
    assert regions.all_regions() == tuple(whole.values())
    for key in [*whole, "000000", "439999", "990101", "CN", "43060", "", "a\tb"]:
        assert lookup(key) == whole.get(key)
        if not key.isdigit() or len(key) != 6:
            continue
        for year in (0, 1990, 2010, 2020, 2023, 2024, 2030):
            found = whole.get(key)
            if found is not None:
                expected = "withdrawn" if found.last < latest and year > int(found.last[:4]) + 1 else "known"
            elif key[:2] + "0000" in whole and (year == 0 or year >= int(latest[:4])):
                expected = "unlisted"
            else:
                expected = "unknown"
            assert check(key, year) == expected, (key, year)
