from fastapi import APIRouter

from ai_receptionist.api.routes import auth, business

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(business.router)
