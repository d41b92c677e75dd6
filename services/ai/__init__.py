"""Writing horoscopes: an OpenAI-compatible LLM, or the built-in offline generator."""

from services.ai.client import AIService, create_ai_service, get_ai_service
from services.ai.errors import GenerationError

__all__ = ["AIService", "GenerationError", "create_ai_service", "get_ai_service"]
