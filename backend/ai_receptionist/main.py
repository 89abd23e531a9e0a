"""The FastAPI application: `create_app()` for tests, `app` for `uvicorn ai_receptionist.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from ai_receptionist.api.errors import install_error_handlers
from ai_receptionist.api.main import api_router
from ai_receptionist.core.database import init_db


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    await run_in_threadpool(init_db)
    yield


def create_app() -> FastAPI:
    """Build the app; nothing touches the database until start-up or the first request."""
    app = FastAPI(
        title="AI receptionist: business settings",
        version="1.0.0",
        description="Reference backend of the business-settings API contract (v1).",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(api_router, prefix="/api")
    return app


app = create_app()
