"""The HTTP API: read-only GET endpoints over the query functions (OpenAPI at ``/docs``).

Every answer is exactly what the query function answers for the same parameters; lists page
with ``limit``/``offset``. Unknown ids and names answer 404, bad or ambiguous parameters 422
(with the candidates that would resolve them). JSON is UTF-8 with Chinese left readable.
"""

from __future__ import annotations

import functools
import gc
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
    DocRef,
    DocumentAnswer,
    EntityAnswer,
    LineageAnswer,
    ObligationsAnswer,
    Page,
    ProvisionAnswer,
    SearchAnswer,
)
from policykg.queries.search import warm_segmenter

from .guard import Guard, HostPolicy
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


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem}, 422: {"model": Problem}}


class UTF8JSONResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"


class AnswerResponse(Response):
    """An answer model as pydantic writes it (``model_dump_json``: UTF-8, Chinese left readable)."""

    media_type = "application/json; charset=utf-8"


Ask = Callable[..., Answer]


def answers(app: FastAPI, path: str, tags: list[str | Enum]) -> Callable[[Ask], Ask]:
    """``app.get(path)`` for a function that answers a model. The model, the function's return
    annotation, is the route's response model (FastAPI reads the wrapped function's signature), so
    OpenAPI states exactly what is answered; the answer is written by ``model_dump_json`` rather
    than validated again, turned into dicts and ``json.dumps``-ed, which takes several times longer.

    The route is a plain function, which FastAPI runs in its thread pool: a question that takes a
    second (a cascade over a large store, a server backend) never holds up the event loop, so the
    other clients' quick questions are answered meanwhile."""

    def register(ask: Ask) -> Ask:
        @functools.wraps(ask)
        def route(**params: Any) -> Response:
            return AnswerResponse(ask(**params).model_dump_json())

        app.get(path, tags=tags)(route)
        return ask

    return register


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
    problem = Problem(detail=exc.message, candidates=exc.candidates)
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

    @answers(app, "/documents/{ref}", tags=["documents"])
    def get_document(ref: Ref, limit: Limit = 50, offset: Offset = 0) -> DocumentAnswer:
        """A document by id, 文号, file name or title, with its provisions."""
        return queries.document(store, ref, limit, offset)

    @answers(app, "/provisions/{ref}", tags=["provisions"])
    def get_provision(ref: Ref) -> ProvisionAnswer:
        """A provision with its agencies (lead/support), targets and mentions."""
        return queries.provision(store, ref)

    @answers(app, "/provisions/{ref}/lineage", tags=["questions"])
    def get_lineage(
        ref: Ref, depth: Annotated[int, Query(ge=1, le=10)] = 3, limit: Limit = 50, offset: Offset = 0
    ) -> LineageAnswer:
        """Upstream and downstream DERIVES_FROM / CONTINUES hops, with scores and quoted evidence."""
        return queries.lineage(store, ref, depth, limit, offset)

    @answers(app, "/cascade/{ref}", tags=["questions"])
    def get_cascade(ref: Ref, limit: Limit = 50, offset: Offset = 0) -> CascadeAnswer:
        """Lower-level provisions derived from a provision or a whole document, by region, with coverage."""
        return queries.cascade(store, ref, limit, offset)

    @answers(app, "/obligations", tags=["questions"])
    def get_obligations(
        agency: Name,
        role: Annotated[Literal["lead", "support"] | None, Query()] = None,
        year: Year = None,
        region: Region = None,
        follow_succession: bool = False,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ObligationsAnswer:
        """Provisions an agency (any alias) leads or supports, by document and year."""
        return queries.obligations(store, agency, role, year, region, follow_succession, limit, offset)

    @answers(app, "/compare", tags=["questions"])
    def get_compare(
        region: Name,
        year_a: Annotated[int, Query(ge=1900, le=2100)],
        year_b: Annotated[int, Query(ge=1900, le=2100)],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> CompareAnswer:
        """What a jurisdiction's priorities kept, added and dropped between two years."""
        return queries.compare(store, region, year_a, year_b, limit, offset)

    @answers(app, "/search", tags=["questions"])
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

    @answers(app, "/entities", tags=["entities"])
    def get_entities(
        name: Name,
        kind: Annotated[Literal["Agency", "Region", "FacilityType", "Program"] | None, Query()] = None,
        region: Region = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> EntityAnswer:
        """Every entity an id or alias may mean, with its neighbours."""
        return queries.entity(store, name, kind, region, limit, offset)
