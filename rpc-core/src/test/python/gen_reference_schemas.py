#!/usr/bin/env python3
"""Record the Arrow schemas (and some encoded values) of the Python reference for the TypeZoo service.

The Java test interface ``dev.arrowrpc.core.schema.TypeZoo`` declares methods and records that use
every Java type the type mapper supports.  This script declares the same methods (same names, same
parameter names) and the same records as ``ArrowSerializableDataclass`` dataclasses (same field
names) with the Python annotations the reference documents as their counterparts, asks the
reference's own derivation code for their schemas, and writes each schema's ``serialize()`` bytes as
hex into ``src/test/resources/dev/arrowrpc/core/schema/reference-schemas.tsv``.  It also encodes
sample request and result batches with the reference's own conversion code into
``reference-values.tsv`` beside it.  The Java tests read those files; they never need Python.

The reference code is used as is, never re-implemented here:

* with ``vgi_rpc`` importable (Python >= 3.13 and the package installed) it is imported;
* otherwise ``--reference-git DIR`` (a clone, bare or not, of the vgi-rpc-python repository, optionally
  ``--rev``) or ``--reference-src DIR`` (a checkout) supplies the sources: ``vgi_rpc/utils.py``
  only needs pyarrow and the standard library and is loaded whole; the three small functions
  ``_unwrap_annotated``, ``_build_params_schema`` and ``_build_result_schema`` are lifted out of
  ``vgi_rpc/rpc/_types.py`` (whose other parts need Python 3.13) and run against that module, as
  are ``_convert_for_arrow``, ``_build_result_batch`` and ``_deserialize_value`` from
  ``vgi_rpc/rpc/_wire.py``.  The request batch itself is assembled as ``_write_request`` does it
  (one ``pa.array([_convert_for_arrow(value)], type=field.type)`` per parameter).

Run from the repository root, e.g.::

    python3 -m pip install --user pyarrow
    python3 rpc-core/src/test/python/gen_reference_schemas.py \\
        --reference-git /path/to/vgi-rpc-python.git

Output lines are ``<key>\\t<hex>`` where key is ``params.<method>``, ``result.<method>`` or
``record.<Class>``; lines starting with ``#`` are comments.

The opposite direction (Java encodes, the reference decodes) is checked on demand::

    mvn -B test -pl rpc-core -Dtest=ReferenceValuesTest -Darrowrpc.exportEncoded=/tmp/java.tsv
    python3 rpc-core/src/test/python/gen_reference_schemas.py \\
        --reference-git /path/to/vgi-rpc-python.git --check-java /tmp/java.tsv
"""

import argparse
import datetime
import inspect
import os
import subprocess
import sys
import types
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional, get_type_hints

import pyarrow as pa

DEFAULT_OUTPUT = (
    Path(__file__).resolve().parents[1] / "resources" / "dev" / "arrowrpc" / "core" / "schema" / "reference-schemas.tsv"
)

_TYPES_FUNCTIONS = ("_unwrap_annotated", "_build_params_schema", "_build_result_schema")
_WIRE_FUNCTIONS = ("_convert_for_arrow", "_build_result_batch", "_deserialize_value")


class Reference:
    """The reference's derivation entry points, however they were obtained."""

    def __init__(
        self,
        utils: Any,
        build_params: Any,
        build_result: Any,
        convert: Any,
        build_result_batch: Any,
        deserialize_value: Any,
        origin: str,
    ) -> None:
        self.utils = utils
        self.build_params = build_params
        self.build_result = build_result
        self.convert = convert
        self.build_result_batch = build_result_batch
        self.deserialize_value = deserialize_value
        self.origin = origin


def _reader(args: argparse.Namespace):
    if args.reference_git:

        def read(path: str) -> str:
            return subprocess.run(
                ["git", "-C", args.reference_git, "show", f"{args.rev}:{path}"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout

        commit = subprocess.run(
            ["git", "-C", args.reference_git, "rev-parse", args.rev],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return read, f"vgi-rpc-python git {commit}"
    if args.reference_src:

        def read(path: str) -> str:
            return Path(args.reference_src, path).read_text(encoding="utf-8")

        return read, f"vgi-rpc-python sources at {os.path.basename(os.path.abspath(args.reference_src))}"
    raise SystemExit("vgi_rpc is not importable here: pass --reference-git or --reference-src")


def _top_level_block(source: str, name: str) -> str:
    """Return the text of the top-level ``def name(...)`` in a module's source."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(f"def {name}(")]
    if len(starts) != 1:
        raise SystemExit(f"cannot find exactly one top-level def {name} in the reference sources")
    end = starts[0] + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t)"):
        end += 1
    return "\n".join(lines[starts[0] : end]) + "\n"


def load_reference(args: argparse.Namespace) -> Reference:
    """Import the reference, or assemble its derivation code from its sources."""
    if not (args.reference_git or args.reference_src):
        try:
            import vgi_rpc  # type: ignore[import-not-found]
            import vgi_rpc.utils as utils  # type: ignore[import-not-found]
            from vgi_rpc.rpc import _types, _wire  # type: ignore[import-not-found]
        except ImportError:
            pass
        else:
            version = getattr(vgi_rpc, "__version__", None)
            if version is None:
                from importlib import metadata

                try:
                    version = metadata.version("vgi-rpc")
                except metadata.PackageNotFoundError:
                    version = "?"
            return Reference(
                utils,
                _types._build_params_schema,
                _types._build_result_schema,
                _wire._convert_for_arrow,
                _wire._build_result_batch,
                _wire._deserialize_value,
                f"vgi_rpc {version}",
            )
    read, origin = _reader(args)
    utils = types.ModuleType("vgi_rpc_reference_utils")
    utils.__file__ = "vgi_rpc/utils.py"
    sys.modules[utils.__name__] = utils
    exec(compile(read("vgi_rpc/utils.py"), "vgi_rpc/utils.py", "exec"), utils.__dict__)
    namespace: dict[str, Any] = dict(utils.__dict__)
    namespace["_EMPTY_SCHEMA"] = pa.schema([])
    types_source = read("vgi_rpc/rpc/_types.py")
    for name in _TYPES_FUNCTIONS:
        exec(compile(_top_level_block(types_source, name), f"vgi_rpc/rpc/_types.py:{name}", "exec"), namespace)
    wire_source = read("vgi_rpc/rpc/_wire.py")
    for name in _WIRE_FUNCTIONS:
        exec(compile(_top_level_block(wire_source, name), f"vgi_rpc/rpc/_wire.py:{name}", "exec"), namespace)
    return Reference(
        utils,
        namespace["_build_params_schema"],
        namespace["_build_result_schema"],
        namespace["_convert_for_arrow"],
        namespace["_build_result_batch"],
        namespace["_deserialize_value"],
        origin,
    )


def declare(ref: Reference) -> tuple[type, list[type]]:
    """Declare the Python counterparts of TypeZoo's records and methods."""
    ASD = ref.utils.ArrowSerializableDataclass
    AT = ref.utils.ArrowType

    # Annotated counterparts of the Java types that have no plain Python annotation.
    I8 = Annotated[int, AT(pa.int8())]
    I16 = Annotated[int, AT(pa.int16())]
    I32 = Annotated[int, AT(pa.int32())]
    I64 = Annotated[int, AT(pa.int64())]
    U8 = Annotated[int, AT(pa.uint8())]
    U16 = Annotated[int, AT(pa.uint16())]
    U32 = Annotated[int, AT(pa.uint32())]
    U64 = Annotated[int, AT(pa.uint64())]
    F32 = Annotated[float, AT(pa.float32())]
    F64 = Annotated[float, AT(pa.float64())]
    UTF8 = Annotated[str, AT(pa.string())]
    BIN = Annotated[bytes, AT(pa.binary())]
    LSTR = Annotated[str, AT(pa.large_string())]
    LBIN = Annotated[bytes, AT(pa.large_binary())]
    FIX8 = Annotated[bytes, AT(pa.binary(8))]
    FIX4 = Annotated[bytes, AT(pa.binary(4))]
    DSTR = Annotated[str, AT(pa.dictionary(pa.int16(), pa.string()))]
    DATE = Annotated[datetime.date, AT(pa.date32())]
    TS = Annotated[datetime.datetime, AT(pa.timestamp("us"))]
    TSZ = Annotated[datetime.datetime, AT(pa.timestamp("us", tz="UTC"))]
    TIME = Annotated[datetime.time, AT(pa.time64("us"))]
    DUR = Annotated[datetime.timedelta, AT(pa.duration("us"))]
    DEC = Annotated[Decimal, AT(pa.decimal128(20, 4))]
    DEC_DEFAULT = Annotated[Decimal, AT(pa.decimal128(38, 18))]

    class Color(Enum):
        RED = "red"
        GREEN = "green"
        BLUE = "blue"

    @dataclass(frozen=True)
    class Point(ASD):
        x: int
        y: int

    @dataclass(frozen=True)
    class Inner(ASD):
        label: str
        weight: int | None
        color: Color
        tags: list[str | None]

    @dataclass(frozen=True)
    class Middle(ASD):
        inner: Inner
        spare: Inner | None
        inners: list[Inner]
        byName: dict[str, Inner]

    @dataclass(frozen=True)
    class Outer(ASD):
        name: str
        middle: Middle
        maybe: Optional[Middle]
        middles: list[Middle]

    @dataclass(frozen=True)
    class Scalars(ASD):
        s: str
        b: bytes
        l: int  # noqa: E741
        boxedL: int
        i: I32
        sh: I16
        by: I8
        d: float
        f: F32
        flag: bool
        color: Color
        ns: str | None
        ol: int | None
        nb: bytes | None

    @dataclass(frozen=True)
    class Wired(ASD):
        i8: I8
        i16: I16
        i32: I32
        i64: I64
        u8: U8
        u16: U16
        u32: U32
        u64: U64
        u64big: U64
        f32: F32
        lu: LSTR
        lb: LBIN
        fb: FIX8
        ds: DSTR
        date: DATE
        ts: TS
        tsz: TSZ
        time: TIME
        dur: DUR
        dec: DEC
        nu32: U32 | None

    @dataclass(frozen=True)
    class Temporal(ASD):
        instant: TSZ
        date: DATE
        dateTime: TS
        time: TIME
        duration: DUR
        decimal: DEC_DEFAULT

    @dataclass(frozen=True)
    class Containers(ASD):
        points: list[Point]
        mapOfLists: dict[str, list[int]]
        tags: frozenset[str]
        matrix: list[list[int]]
        pointsById: dict[int, Point]
        colors: list[Color]
        sparse: dict[str, int | None]

    class TypeZoo:
        # default scalar mappings
        def echoString(self, value: str) -> str: ...
        def echoBytes(self, value: bytes) -> bytes: ...
        def echoLong(self, value: int) -> int: ...
        def echoBoxedLong(self, value: int) -> int: ...
        def echoInt(self, value: I32) -> I32: ...
        def echoBoxedInt(self, value: I32) -> I32: ...
        def echoShort(self, value: I16) -> I16: ...
        def echoBoxedShort(self, value: I16) -> I16: ...
        def echoByte(self, value: I8) -> I8: ...
        def echoBoxedByte(self, value: I8) -> I8: ...
        def echoDouble(self, value: float) -> float: ...
        def echoBoxedDouble(self, value: float) -> float: ...
        def echoFloat(self, value: F32) -> F32: ...
        def echoBoxedFloat(self, value: F32) -> F32: ...
        def echoBool(self, value: bool) -> bool: ...
        def echoBoxedBool(self, value: bool) -> bool: ...
        def echoColor(self, value: Color) -> Color: ...

        # containers
        def echoStrings(self, value: list[str]) -> list[str]: ...
        def echoNullableItems(self, value: list[str | None]) -> list[str | None]: ...
        def echoLongSet(self, value: frozenset[int]) -> frozenset[int]: ...
        def echoStringSet(self, value: frozenset[str]) -> frozenset[str]: ...
        def echoColors(self, value: list[Color]) -> list[Color]: ...
        def echoMatrix(self, value: list[list[int]]) -> list[list[int]]: ...
        def echoMap(self, value: dict[str, int]) -> dict[str, int]: ...
        def echoNullableValues(self, value: dict[str, int | None]) -> dict[str, int | None]: ...
        def echoMapOfLists(self, value: dict[str, list[int]]) -> dict[str, list[int]]: ...
        def echoPointsById(self, value: dict[int, Point]) -> dict[int, Point]: ...

        # nullability
        def echoOptString(self, value: str | None) -> str | None: ...
        def echoOptLong(self, value: Optional[int]) -> Optional[int]: ...
        def echoOptList(self, value: list[str] | None) -> list[str] | None: ...
        def echoOptColor(self, value: Color | None) -> Color | None: ...
        def echoNullableString(self, value: str | None) -> str | None: ...
        def echoNullableLong(self, value: int | None) -> int | None: ...
        def echoNullableColor(self, value: Color | None) -> Color | None: ...
        def echoNullableBytes(self, value: bytes | None) -> bytes | None: ...
        def echoNullableBytesArrayForm(self, value: bytes | None) -> bytes | None: ...

        # records
        def echoPoint(self, value: Point) -> Point: ...
        def echoOptPoint(self, value: Point | None) -> Point | None: ...
        def echoNullablePoint(self, value: Optional[Point]) -> Optional[Point]: ...
        def echoOuter(self, value: Outer) -> Outer: ...
        def echoOptOuter(self, value: Outer | None) -> Outer | None: ...
        def echoPoints(self, value: list[Point]) -> list[Point]: ...
        def echoOuters(self, value: list[Outer]) -> list[Outer]: ...
        def echoPointMap(self, value: dict[str, Point]) -> dict[str, Point]: ...
        def echoScalars(self, value: Scalars) -> Scalars: ...
        def echoWired(self, value: Wired) -> Wired: ...
        def echoTemporal(self, value: Temporal) -> Temporal: ...
        def echoContainers(self, value: Containers) -> Containers: ...

        # explicit Arrow types
        def echoInt8(self, value: I8) -> I8: ...
        def echoInt8Long(self, value: I8) -> I8: ...
        def echoInt16(self, value: I16) -> I16: ...
        def echoInt32(self, value: I32) -> I32: ...
        def echoInt64(self, value: I64) -> I64: ...
        def echoInt64Big(self, value: I64) -> I64: ...
        def echoUint8(self, value: U8) -> U8: ...
        def echoUint16(self, value: U16) -> U16: ...
        def echoUint32(self, value: U32) -> U32: ...
        def echoUint64(self, value: U64) -> U64: ...
        def echoUint64Big(self, value: U64) -> U64: ...
        def echoFloat32(self, value: F32) -> F32: ...
        def echoFloat64(self, value: F64) -> F64: ...
        def echoUtf8(self, value: UTF8) -> UTF8: ...
        def echoBinary(self, value: BIN) -> BIN: ...
        def echoLargeString(self, value: LSTR) -> LSTR: ...
        def echoLargeBytes(self, value: LBIN) -> LBIN: ...
        def echoFixed8(self, value: FIX8) -> FIX8: ...
        def echoFixed4ArrayForm(self, value: FIX4) -> FIX4: ...
        def echoDictString(self, value: DSTR) -> DSTR: ...
        def echoDictStrings(self, value: list[DSTR]) -> list[DSTR]: ...
        def echoDate32(self, value: DATE) -> DATE: ...
        def echoTimestamp(self, value: TS) -> TS: ...
        def echoTimestampUtc(self, value: TSZ) -> TSZ: ...
        def echoTime64(self, value: TIME) -> TIME: ...
        def echoDurationUs(self, value: DUR) -> DUR: ...
        def echoDecimal(self, value: DEC) -> DEC: ...
        def echoNullableUint32(self, value: U32 | None) -> U32 | None: ...
        def echoOptInt16(self, value: Optional[I16]) -> Optional[I16]: ...
        def echoUint8List(self, value: list[U8]) -> list[U8]: ...

        # temporal and decimal defaults
        def echoInstant(self, value: TSZ) -> TSZ: ...
        def echoLocalDate(self, value: DATE) -> DATE: ...
        def echoLocalDateTime(self, value: TS) -> TS: ...
        def echoLocalTime(self, value: TIME) -> TIME: ...
        def echoDuration(self, value: DUR) -> DUR: ...
        def echoBigDecimal(self, value: DEC_DEFAULT) -> DEC_DEFAULT: ...

        # record batches
        def echoRoot(self, value: pa.RecordBatch) -> pa.RecordBatch: ...
        def makeRoot(self, rows: I32) -> pa.RecordBatch: ...
        def sumRoot(self, value: pa.RecordBatch) -> float: ...
        def countNullableRoot(self, value: pa.RecordBatch | None) -> I32: ...
        def maybeRoot(self, rows: I32) -> pa.RecordBatch | None: ...

        # shapes
        def nothing(self) -> None: ...
        def mixed(self, a: str, b: int | None, c: Point | None, d: list[Color], e: Point, f: Color) -> int: ...
        def badInt8(self) -> I8: ...
        def badNull(self) -> str: ...
        def badDecimal(self) -> DEC: ...

    records = [Point, Inner, Middle, Outer, Scalars, Wired, Temporal, Containers]
    return TypeZoo, records


def value_cases(records: list[type]) -> list[tuple[str, str, tuple[Any, ...], Any]]:
    """Values to encode as the reference would: (method, case, arguments, result).

    The Java test ``ReferenceValuesTest`` holds the same cases with the Java values they must decode
    to; keep the two lists in step.  A result of ``SAME`` means the method echoes its argument.
    """
    by_name = {r.__name__: r for r in records}
    Point, Inner, Middle, Outer = (by_name[n] for n in ("Point", "Inner", "Middle", "Outer"))
    Scalars, Wired, Temporal, Containers = (by_name[n] for n in ("Scalars", "Wired", "Temporal", "Containers"))
    Color = Inner.__dataclass_fields__["color"].type
    colors = list(Color)
    utc = datetime.timezone.utc

    def inner(label: str) -> Any:
        return Inner(label=label, weight=len(label) or None, color=colors[len(label) % 3], tags=[label, None, ""])

    def middle(tag: str) -> Any:
        return Middle(
            inner=inner(tag),
            spare=inner(tag + "-spare") if tag else None,
            inners=[inner("a"), inner("bb"), inner("")],
            byName={"first": inner(tag + "-f"), "second": inner("")},
        )

    def outer(name: str) -> Any:
        return Outer(name=name, middle=middle(name), maybe=middle(name + "!") if name else None,
                     middles=[middle("m1"), middle("")])

    return [
        ("echoString", "plain", ("héllo ☃ 𝄞",), SAME),
        ("echoString", "empty", ("",), SAME),
        ("echoBytes", "some", (b"\x00\xff\x7f\x80",), SAME),
        ("echoLong", "min", (-(2**63),), SAME),
        ("echoLong", "max", (2**63 - 1,), SAME),
        ("echoBoxedLong", "some", (42,), SAME),
        ("echoInt", "min", (-(2**31),), SAME),
        ("echoShort", "min", (-32768,), SAME),
        ("echoByte", "max", (127,), SAME),
        ("echoDouble", "some", (1.5,), SAME),
        ("echoFloat", "some", (-2.5,), SAME),
        ("echoBool", "true", (True,), SAME),
        ("echoColor", "green", (Color.GREEN,), SAME),
        ("echoStrings", "some", (["a", "", "b"],), SAME),
        ("echoNullableItems", "some", ([None, "x"],), SAME),
        ("echoLongSet", "one", (frozenset({3}),), SAME),
        ("echoColors", "some", ([Color.BLUE, Color.RED, Color.BLUE],), SAME),
        ("echoMatrix", "some", ([[1, 2], [], [3]],), SAME),
        ("echoMap", "some", ({"b": 2, "a": -1},), SAME),
        ("echoNullableValues", "some", ({"none": None, "one": 1},), SAME),
        ("echoMapOfLists", "some", ({"a": [1, 2], "e": []},), SAME),
        ("echoPointsById", "some", ({1: Point(1, 2)},), SAME),
        ("echoOptString", "none", (None,), SAME),
        ("echoOptString", "some", ("x",), SAME),
        ("echoOptColor", "some", (Color.GREEN,), SAME),
        ("echoNullableLong", "none", (None,), SAME),
        ("echoPoint", "some", (Point(-1, 2**63 - 1),), SAME),
        ("echoOptPoint", "none", (None,), SAME),
        ("echoOptPoint", "some", (Point(3, 4),), SAME),
        ("echoNullablePoint", "some", (Point(5, 6),), SAME),
        ("echoPoints", "some", ([Point(1, 2), Point(3, 4)],), SAME),
        ("echoOuter", "deep", (outer("deep"),), SAME),
        ("echoOuter", "bare", (outer(""),), SAME),
        ("echoScalars", "extremes", (Scalars(s="s", b=b"\x01", l=-(2**63), boxedL=2**63 - 1, i=-(2**31), sh=32767,
                                             by=-128, d=1.5, f=0.25, flag=True, color=Color.BLUE, ns=None, ol=None,
                                             nb=None),), SAME),
        ("echoScalars", "present", (Scalars(s="", b=b"", l=0, boxedL=0, i=0, sh=0, by=0, d=0.0, f=0.0, flag=False,
                                            color=Color.RED, ns="n", ol=-1, nb=b"\x09\x09"),), SAME),
        ("echoWired", "extremes", (Wired(i8=-128, i16=-32768, i32=2**31 - 1, i64=-(2**31), u8=255, u16=65535,
                                         u32=2**32 - 1, u64=18000000000000000000, u64big=2**64 - 1, f32=1.5,
                                         lu="large", lb=b"\x01\x02", fb=bytes(range(1, 9)), ds="dict",
                                         date=datetime.date(2024, 2, 29),
                                         ts=datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
                                         tsz=datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=utc),
                                         time=datetime.time(23, 59, 59, 999999),
                                         dur=datetime.timedelta(microseconds=-1),
                                         dec=Decimal("-99999999999999.9999"), nu32=None),), SAME),
        ("echoTemporal", "edges", (Temporal(instant=datetime.datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=utc),
                                            date=datetime.date(1, 1, 1),
                                            dateTime=datetime.datetime(2262, 4, 11, 23, 47, 16, 854775),
                                            time=datetime.time(0, 0), duration=datetime.timedelta(0),
                                            decimal=Decimal("12345678901234567890.123456789012345678")),), SAME),
        ("echoContainers", "some", (Containers(points=[Point(1, 2)], mapOfLists={"k": [1, None]},
                                               tags=frozenset({"x"}), matrix=[[1], [], None],
                                               pointsById={2**63 - 1: Point(1, 1)}, colors=[Color.GREEN, None],
                                               sparse={"a": None}),), SAME),
        ("echoUint64", "above-long-max", (18000000000000000000,), SAME),
        ("echoUint64Big", "max", (2**64 - 1,), SAME),
        ("echoUint8", "max", (255,), SAME),
        ("echoUint32", "max", (2**32 - 1,), SAME),
        ("echoInt8", "min", (-128,), SAME),
        ("echoFloat32", "some", (1.5,), SAME),
        ("echoLargeString", "some", ("large ☃",), SAME),
        ("echoLargeBytes", "some", (b"\x00",), SAME),
        ("echoFixed8", "some", (bytes(range(8)),), SAME),
        ("echoDictString", "some", ("dict",), SAME),
        ("echoDictStrings", "some", (["x", "y", "x"],), SAME),
        ("echoDate32", "leap", (datetime.date(2024, 2, 29),), SAME),
        ("echoTimestamp", "micros", (datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),), SAME),
        ("echoTimestampUtc", "micros", (datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=utc),), SAME),
        ("echoTime64", "last", (datetime.time(23, 59, 59, 999999),), SAME),
        ("echoDurationUs", "negative", (datetime.timedelta(microseconds=-1),), SAME),
        ("echoDecimal", "some", (Decimal("12345.6789"),), SAME),
        ("echoNullableUint32", "none", (None,), SAME),
        ("echoOptInt16", "min", (-32768,), SAME),
        ("echoUint8List", "some", ([0, 255, None],), SAME),
        ("echoInstant", "micros", (datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=utc),), SAME),
        ("echoLocalDate", "before-epoch", (datetime.date(1969, 12, 31),), SAME),
        ("echoLocalDateTime", "before-epoch", (datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),), SAME),
        ("echoLocalTime", "noon", (datetime.time(12, 0),), SAME),
        ("echoDuration", "long", (datetime.timedelta(days=365000),), SAME),
        ("echoBigDecimal", "tiny", (Decimal("-0.000000000000000001"),), SAME),
        ("mixed", "some", ("a", None, Point(1, 2), [], Point(3, 4), Color.BLUE), 1234),
    ]


SAME = object()


def encode_values(ref: Reference, service: type, records: list[type]) -> tuple[dict[str, bytes], list[str]]:
    """Encode each case's request and result batches the way the reference's client and server do.

    The request batch is built as the reference's ``_write_request`` builds it (one array per
    parameter from ``_convert_for_arrow``); the result batch by the reference's
    ``_build_result_batch``.  Each is serialized with the reference's
    ``serialize_record_batch_bytes`` (schema, batch, end-of-stream).  Parts the reference itself
    cannot encode are skipped and reported.
    """
    out: dict[str, bytes] = {}
    skipped: list[str] = []
    for method, case, args, result in value_cases(records):
        function = getattr(service, method)
        hints = get_type_hints(function, include_extras=True)
        names = [n for n in inspect.signature(function).parameters if n != "self"]
        params_schema = ref.build_params(hints)
        result_schema = ref.build_result(hints.get("return", type(None)))
        kwargs = dict(zip(names, args, strict=True))
        key = f"{method}.{case}"
        try:
            arrays = [pa.array([ref.convert(kwargs.get(f.name))], type=f.type) for f in params_schema]
            batch = pa.RecordBatch.from_arrays(arrays, schema=params_schema)
            out[f"request.{key}"] = ref.utils.serialize_record_batch_bytes(batch)
        except (pa.ArrowException, TypeError, ValueError) as e:
            skipped.append(f"request.{key}: {type(e).__name__}: {e}")
        value = args[0] if result is SAME else result
        try:
            out[f"response.{key}"] = ref.utils.serialize_record_batch_bytes(ref.build_result_batch(result_schema, value))
        except (pa.ArrowException, TypeError, ValueError) as e:
            skipped.append(f"response.{key}: {type(e).__name__}: {e}")
    return out, skipped


def derive(ref: Reference, service: type, records: list[type]) -> dict[str, pa.Schema]:
    """Derive every schema the reference would declare for the service and its records."""
    out: dict[str, pa.Schema] = {}
    for name, function in inspect.getmembers(service, inspect.isfunction):
        hints = get_type_hints(function, include_extras=True)
        out[f"params.{name}"] = ref.build_params(hints)
        out[f"result.{name}"] = ref.build_result(hints.get("return", type(None)))
    for record in records:
        out[f"record.{record.__name__}"] = record.ARROW_SCHEMA
    return out


def check_java(ref: Reference, service: type, records: list[type], path: Path) -> int:
    """Decode Java-encoded request and result streams the way the reference's server and client do.

    Each stream is read with the reference's ``ValidatedReader`` (full validation), its schema must
    equal the reference's declared schema, and each cell, decoded with ``as_py()`` and the
    reference's ``_deserialize_value``, must equal the case's Python value.  Returns the number of
    failures; cases the reference cannot represent (see ``value_cases``) are reported, not counted.
    """
    cases = {f"{m}.{c}": (m, args, result) for m, c, args, result in value_cases(records)}
    failures = 0
    checked = 0
    notes: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, hexed = line.split("\t", 1)
        kind, case_key = key.split(".", 1)
        method, args, result = cases[case_key]
        function = getattr(service, method)
        hints = get_type_hints(function, include_extras=True)
        names = [n for n in inspect.signature(function).parameters if n != "self"]
        try:
            reader = ref.utils.ValidatedReader(
                pa.ipc.open_stream(bytes.fromhex(hexed)), ref.utils.IpcValidation.FULL
            )
            batch = reader.read_next_batch()
            if kind == "request":
                schema = ref.build_params(hints)
                expected = dict(zip(names, args, strict=True))
                hint_of = {n: hints[n] for n in names}
            else:
                schema = ref.build_result(hints.get("return", type(None)))
                expected = {"result": args[0] if result is SAME else result}
                hint_of = {"result": hints.get("return")}
            problems = []
            if not batch.schema.equals(schema):
                problems.append(f"schema {batch.schema} != declared {schema}")
            for i, field in enumerate(schema):
                raw = batch.column(i)[0].as_py()
                try:
                    value = None if raw is None else ref.deserialize_value(raw, hint_of[field.name])
                except TypeError as e:
                    # the reference cannot rebuild this shape (a struct result); compare the data
                    notes.append(f"{key}: reference cannot rebuild {field.name} ({e}); compared as data")
                    value = raw
                want = expected[field.name]
                if _plain(value) != _plain(want):
                    problems.append(f"{field.name}: decoded {_plain(value)!r}, expected {_plain(want)!r}")
        except Exception as e:  # noqa: BLE001 -- report every kind of failure the same way
            problems = [f"{type(e).__name__}: {e}"]
        checked += 1
        if problems:
            failures += 1
            print(f"FAIL {key}: " + "; ".join(problems))
    for note in notes:
        print(f"note: {note}")
    print(f"checked {checked} Java-encoded streams: {checked - failures} passed, {failures} failed")
    return failures


def _plain(value: Any) -> Any:
    """Reduce a value to plain data for comparison.

    The reference's decoding leaves some shapes half-built (dataclasses and enum members inside
    lists and dict values come back as dicts and names), so values are compared as data: dataclasses
    as field dicts, enum members as names, sets as sorted lists, recursively.
    """
    if isinstance(value, Enum):
        return value.name
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference-git", help="a clone (bare or not) of the vgi-rpc-python repository")
    parser.add_argument("--rev", default="HEAD", help="revision to read with --reference-git")
    parser.add_argument("--reference-src", help="a checkout of the vgi-rpc-python repository")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--print", action="store_true", help="also print each schema")
    parser.add_argument(
        "--check-java",
        type=Path,
        metavar="FILE",
        help="instead of generating, decode the streams ReferenceValuesTest wrote with"
        " -Darrowrpc.exportEncoded=FILE using the reference, and report mismatches",
    )
    args = parser.parse_args()

    ref = load_reference(args)
    service, records = declare(ref)
    if args.check_java:
        sys.exit(1 if check_java(ref, service, records, args.check_java) else 0)
    schemas = derive(ref, service, records)
    lines = [
        "# Generated by rpc-core/src/test/python/gen_reference_schemas.py; do not edit.",
        f"# Derived by the reference's own code: {ref.origin}; pyarrow {pa.__version__}.",
        "# key<TAB>hex of pyarrow Schema.serialize() (an encapsulated IPC schema message).",
    ]
    for key in sorted(schemas):
        lines.append(f"{key}\t{schemas[key].serialize().to_pybytes().hex()}")
        if args.print:
            print(f"== {key}\n{schemas[key]}\n")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(schemas)} schemas to {args.output}")

    values, skipped = encode_values(ref, service, records)
    value_lines = [
        "# Generated by rpc-core/src/test/python/gen_reference_schemas.py; do not edit.",
        f"# Encoded by the reference's own code: {ref.origin}; pyarrow {pa.__version__}.",
        "# key<TAB>hex of a complete IPC stream (schema, one batch, end-of-stream); keys are",
        "# request.<method>.<case> (the parameters) and response.<method>.<case> (the result).",
        "# Parts the reference cannot encode itself:",
        *(f"#   {line}" for line in skipped),
    ]
    for key in sorted(values):
        value_lines.append(f"{key}\t{values[key].hex()}")
    values_output = args.output.with_name("reference-values.tsv")
    values_output.write_text("\n".join(value_lines) + "\n", encoding="utf-8")
    print(f"wrote {len(values)} value streams to {values_output} ({len(skipped)} parts skipped)")


if __name__ == "__main__":
    main()
