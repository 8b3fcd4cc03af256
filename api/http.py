"""The HTTP API: read-only GET endpoints over the query functions (OpenAPI at ``/docs``).

Every answer is exactly what the query function answers for the same parameters; lists page
with ``limit``/``offset``. Unknown ids and names answer 404, bad or ambiguous parameters 422
(with the candidates that would resolve them, and the nearest names: did you mean…), in Chinese
when the request's ``Accept-Language`` prefers it. JSON is UTF-8 with Chinese left readable. The
questions also answer as tables: ``?format=csv`` (UTF-8 with a BOM) or ``?format=xlsx`` (every
table of the answer a sheet; ``api/tables.py``), all items unless ``limit`` is given.
"""

from __future__ import annotations

import functools
import gc
import inspect
import re
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

import policykg
from policykg import queries
from policykg.queries.answers import (
    Answer,
    Candidate,
    CascadeAnswer,
    CompareAnswer,
    CoverageMatrixAnswer,
    DocRef,
    DocumentAnswer,
    DocumentTextAnswer,
    EntityAnswer,
    LineageAnswer,
    ObligationsAnswer,
    Page,
    ProvisionAnswer,
    SearchAnswer,
    TimelineAnswer,
)
from policykg.queries.search import warm_segmenter

from .guard import Guard, HostPolicy
from .tables import CSV_MEDIA, XLSX_MEDIA, Lang, csv_bytes, pick, table_names, tables_of, xlsx_bytes
from .webui import mount_web

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page (each list of the answer).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip (each list of the answer).")]
Name = Annotated[str, Query(min_length=1, max_length=200)]
OptName = Annotated[str | None, Query(min_length=1, max_length=200)]
Region = Annotated[str | None, Query(min_length=1, max_length=200, description="A jurisdiction: 四川省, 四川, 遂宁市.",
                                     examples=["四川省"])]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
Level = Annotated[Literal["national", "province", "city", "county"] | None, Query()]
Ref = Annotated[str, Path(min_length=1, max_length=200, description="An id, or DOCUMENT:ITEM (川办发〔2020〕53号:13).",
                          examples=["川办发〔2020〕53号:13"])]


class Problem(BaseModel):
    """A question that cannot be answered as asked (404: nothing has that name; 422: bad or ambiguous)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    detail: str | list[Any]
    """What is wrong (FastAPI's own 422s list the parameters)."""
    candidates: list[Candidate] = []
    """What would resolve it: the documents, provisions or entities the name may mean."""
    suggestions: list[str] = []
    """The nearest names to the one asked (did you mean…): agencies, regions, documents, provisions."""


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem}, 422: {"model": Problem}}


class UTF8JSONResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"


class AnswerResponse(Response):
    """An answer model as pydantic writes it (``model_dump_json``: UTF-8, Chinese left readable)."""

    media_type = "application/json; charset=utf-8"


Ask = Callable[..., Answer]
Format = Literal["json", "csv", "xlsx"]
TABLE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {
    CSV_MEDIA.split(";")[0]: {"schema": {"type": "string"}},
    XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
}}}


def answers(app: FastAPI, path: str, tags: list[str | Enum], tables: bool = False) -> Callable[[Ask], Ask]:
    """``app.get(path)`` for a function that answers a model. The model, the function's return
    annotation, is the route's response model (FastAPI reads the route's signature, the function's
    own), so OpenAPI states exactly what is answered; the answer is written by ``model_dump_json``
    rather than validated again, turned into dicts and ``json.dumps``-ed, which takes several times
    longer. With ``tables`` the route also takes ``format`` (json, csv, xlsx), ``table`` and ``lang``,
    and answers every item unless ``limit`` is asked for.

    The route is a plain function, which FastAPI runs in its thread pool: a question that takes a
    second (a cascade over a large store, a server backend) never holds up the event loop, so the
    other clients' quick questions are answered meanwhile."""

    def register(ask: Ask) -> Ask:
        @functools.wraps(ask)
        def route(request: Request, **params: Any) -> Response:
            shape = params.pop("format", "json")
            table, lang = params.pop("table", None), params.pop("lang", None)
            if shape != "json" and "limit" in params and "limit" not in request.query_params:
                params["limit"] = None  # a table holds the whole answer, not its first page
            answer = ask(**params)
            if shape == "json":
                return AnswerResponse(answer.model_dump_json())
            return table_response(answer, shape, table, lang or _language(request), _file_stem(path, params))

        signature = inspect.signature(ask)
        extra = [inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)]
        if tables:
            names = table_names(_answer_type(ask))
            extra += [
                inspect.Parameter("format", inspect.Parameter.KEYWORD_ONLY, annotation=Format, default=Query(
                    "json", description="json (the answer), csv (its main table, or `table`) or xlsx (every table)")),
                inspect.Parameter("table", inspect.Parameter.KEYWORD_ONLY, default=Query(
                    None, description="The table a CSV holds."), annotation=Literal[tuple(names)] | None),
                inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, annotation=Lang | None, default=Query(
                    None, description="Headers and words of the tables: zh or en (default: Accept-Language).")),
            ]
        route.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), *extra])
        app.get(path, tags=tags, responses=TABLE_RESPONSES if tables else None)(route)
        return ask

    return register


def _answer_type(ask: Ask) -> type[Answer]:
    hint = inspect.get_annotations(ask, eval_str=True)["return"]
    assert isinstance(hint, type) and issubclass(hint, Answer), hint
    return hint


def table_response(answer: Answer, shape: str, table: str | None, lang: Lang, stem: str) -> Response:
    tables = tables_of(answer, lang)
    if shape == "csv":
        body, media, suffix = csv_bytes(pick(tables, table)), CSV_MEDIA, "csv"
        stem = f"{stem}-{table}" if table else stem
    else:
        body, media, suffix = xlsx_bytes(tables, title=stem), XLSX_MEDIA, "xlsx"
    return Response(body, media_type=media, headers={"Content-Disposition": _attachment(f"{stem}.{suffix}")})


def _attachment(name: str) -> str:
    """An ASCII fallback name and the UTF-8 one (RFC 6266), so a Chinese file name survives every browser."""
    from urllib.parse import quote

    stem, _, suffix = name.rpartition(".")
    ascii_name = f"{re.sub(r'[^A-Za-z0-9_]+', '-', stem).split('-')[0] or 'answer'}.{suffix}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _file_stem(path: str, params: dict[str, Any]) -> str:
    """A file name for the answer: the question and what was asked (obligations-省医保局-四川省)."""
    parts = [p for p in path.strip("/").split("/") if not p.startswith("{")]
    question = {"matrix": "matrix", "lineage": "lineage", "text": "document"}.get(parts[-1], parts[0])
    asked = [str(v) for k, v in params.items() if v not in (None, False, "", 0) and k not in ("limit", "offset")]
    stem = "-".join([question, *asked])
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)[:120]


def _language(request: Request) -> Lang:
    """zh when the request's Accept-Language puts Chinese before English (or names only Chinese)."""
    header = request.headers.get("accept-language", "").lower()
    zh, en = header.find("zh"), header.find("en")
    return "zh" if zh >= 0 and (en < 0 or zh < en) else "en"


def create_app(store: Any, hosts: HostPolicy | None = None) -> FastAPI:
    """The API over one store, answering to the Host names of ``hosts`` (default: loopback only).
    Builds the query index and reads every document text up front, so the first questions do not
    wait for it."""
    queries.index_for(store).warm()
    warm_segmenter()
    # The index is built once and then only read: keep the collector from re-walking it on every
    # full collection (on a 10k-document store that walk is a pause of a tenth of a second).
    gc.freeze()
    app = FastAPI(
        title="policykg",
        summary="Chinese health-policy provisions, agencies and lineage, as a knowledge graph.",
        version=policykg.__version__,
        default_response_class=UTF8JSONResponse,
        responses=ERRORS,
        docs_url=None,  # FastAPI's pages load Swagger UI and ReDoc from a CDN; mount_web serves a vendored /docs
        redoc_url=None,
    )
    app.add_exception_handler(queries.QueryError, _problem)
    app.add_exception_handler(ValueError, _bad_value)
    _routes(app, store)
    mount_web(app)
    app.add_middleware(Guard, hosts=hosts or HostPolicy.for_bind("127.0.0.1"))
    return app


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, queries.QueryError)
    status = 404 if isinstance(exc, queries.NotFound) else 422
    problem = Problem(detail=exc.text(_language(request)), candidates=exc.candidates, suggestions=exc.suggestions)
    return UTF8JSONResponse(problem.model_dump(mode="json"), status_code=status)


async def _bad_value(request: Request, exc: Exception) -> JSONResponse:
    return UTF8JSONResponse(Problem(detail=str(exc)).model_dump(mode="json"), status_code=422)


def _routes(app: FastAPI, store: Any) -> None:
    # Each route answers the query's answer model, which is also its response model (the return
    # annotation): the OpenAPI schema is the answer's. Routes are plain functions: FastAPI runs them
    # in its thread pool (see ``answers``).
    @answers(app, "/documents", tags=["documents"])
    def list_documents(
        region: Region = None, year: Year = None, level: Level = None, limit: Limit = 50, offset: Offset = 0
    ) -> Page[DocRef]:
        """Loaded documents (and cited-only stubs), newest first."""
        answer = queries.documents(store, region, year, level, limit, offset)
        return Page[DocRef](total=answer.total, items=answer.items)

    @answers(app, "/documents/{ref}", tags=["documents"], tables=True)
    def get_document(ref: Ref, limit: Limit = 50, offset: Offset = 0) -> DocumentAnswer:
        """A document by id, 文号, file name or title, with its provisions."""
        return queries.document(store, ref, limit, offset)

    @answers(app, "/documents/{ref}/text", tags=["documents"], tables=True)
    def get_document_text(ref: Ref) -> DocumentTextAnswer:
        """A loaded document to read: its source text with provisions, roles, targets, mentions, citations and
        lineage words marked, its metadata, and a citation (Chinese form, BibTeX, CSL-JSON)."""
        return queries.document_text(store, ref)

    @answers(app, "/provisions/{ref}", tags=["provisions"])
    def get_provision(ref: Ref) -> ProvisionAnswer:
        """A provision with its agencies (lead/support), targets and mentions."""
        return queries.provision(store, ref)

    @answers(app, "/provisions/{ref}/lineage", tags=["questions"], tables=True)
    def get_lineage(
        ref: Ref, depth: Annotated[int, Query(ge=1, le=10)] = 3, limit: Limit = 50, offset: Offset = 0
    ) -> LineageAnswer:
        """Upstream and downstream DERIVES_FROM / CONTINUES hops, with scores and quoted evidence."""
        return queries.lineage(store, ref, depth, limit, offset)

    @answers(app, "/cascade/{ref}", tags=["questions"], tables=True)
    def get_cascade(ref: Ref, limit: Limit = 50, offset: Offset = 0) -> CascadeAnswer:
        """Lower-level provisions derived from a provision or a whole document, by region, with coverage."""
        return queries.cascade(store, ref, limit, offset)

    @answers(app, "/cascade/{ref}/matrix", tags=["questions"], tables=True)
    def get_matrix(ref: Ref) -> CoverageMatrixAnswer:
        """The coverage matrix: a higher-level document's tasks × the lower jurisdictions (cities, and counties
        with loaded documents): taken up (with the deriving provisions and scores), not taken up, or no document
        loaded (nothing can be said); per task the share of jurisdictions, per jurisdiction the share of tasks."""
        return queries.coverage_matrix(store, ref)

    @answers(app, "/obligations", tags=["questions"], tables=True)
    def get_obligations(
        agency: Name,
        role: Annotated[Literal["lead", "support"] | None, Query()] = None,
        year: Year = None,
        region: Region = None,
        follow_succession: bool = False,
        limit: Limit = 50,
        offset: Offset = 0,
        collective: Annotated[bool, Query(description="Also the tasks given to a collective the agency is a "
                                                      "member of (各市(州)人民政府 for a city government).")] = False,
    ) -> ObligationsAnswer:
        """Provisions an agency (any alias) leads or supports, by document and year."""
        return queries.obligations(store, agency, role, year, region, follow_succession, limit, offset, collective)

    @answers(app, "/compare", tags=["questions"], tables=True)
    def get_compare(
        region: Name,
        year_a: Annotated[int, Query(ge=1900, le=2100)],
        year_b: Annotated[int, Query(ge=1900, le=2100)],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> CompareAnswer:
        """What a jurisdiction's priorities kept, added and dropped between two years."""
        return queries.compare(store, region, year_a, year_b, limit, offset)

    @answers(app, "/timeline", tags=["questions"], tables=True)
    def get_timeline(
        region: Name,
        years: Annotated[list[int] | None, Query(description="Years to show (default: every year with documents).",
                                                 max_length=50)] = None,
    ) -> TimelineAnswer:
        """A jurisdiction's provisions across years: per year its documents and provisions, per step between years
        with documents the provisions kept, added and dropped (a year without documents is never "dropped")."""
        if years and any(not 1900 <= y <= 2100 for y in years):
            raise ValueError("years must be between 1900 and 2100")
        return queries.timeline(store, region, years)

    @answers(app, "/search", tags=["questions"], tables=True)
    def get_search(
        q: Annotated[str, Query(max_length=200, description="Terms separated by spaces; all must occur.")] = "",
        region: Region = None,
        year: Year = None,
        level: Level = None,
        agency: OptName = None,
        facility_type: OptName = None,
        program: OptName = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> SearchAnswer:
        """Full-text search over provisions, with filters."""
        return queries.search(store, q, region, year, level, agency, facility_type, program, limit, offset)

    @answers(app, "/entities", tags=["entities"], tables=True)
    def get_entities(
        name: Name,
        kind: Annotated[Literal["Agency", "Region", "FacilityType", "Program"] | None, Query()] = None,
        region: Region = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> EntityAnswer:
        """Every entity an id or alias may mean, with its neighbours."""
        return queries.entity(store, name, kind, region, limit, offset)
