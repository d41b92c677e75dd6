"""The HTTP side: the aiohttp application that routes ``/bot<TOKEN>/<method>`` to the
methods, decodes parameters, injects faults and flood control, and records every call."""

from __future__ import annotations

import bisect
import math
import re
from typing import Any, Self

from aiohttp import web

from sandbox.telegram_api.errors import ApiError, bad
from sandbox.telegram_api.params import decode_param
from sandbox.telegram_api.records import ApiCall, Bucket, Fault, Files, Params, UploadedFile
from sandbox.telegram_api.state import State

RATE_LIMITED = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup", "sendphoto"})


class Server(State):
    """Serves the methods of its subclasses over real HTTP on 127.0.0.1."""

    def init_state(self) -> None:
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 at a random free port; sets :attr:`base_url`."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Release pending long polls (they get an empty result) and shut down."""
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this error (no side effects)."""
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(error_code, description, parameters)
        self._faults.setdefault(method.lower(), []).append(Fault(error, times))

    def _take_fault(self, method: str) -> ApiError | None:
        faults = self._faults.get(method.lower())
        if not faults:
            return None
        fault = faults[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            faults.pop(0)
        return fault.error

    def _take_token(self, params: Params, now: float) -> None:
        """Flood control: one token from the chat's bucket, or 429 with retry_after."""
        limit = self.rate_limit
        chat_id = params.get("chat_id")
        if limit is None or not isinstance(chat_id, int):
            return  # a bad chat_id gets its own 400 from the method
        bucket = self._buckets.setdefault(chat_id, Bucket(float(limit.burst), now))
        bucket.tokens = min(
            float(limit.burst), bucket.tokens + (now - bucket.updated) * limit.per_second
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return
        retry_after = max(1, math.ceil((1.0 - bucket.tokens) / limit.per_second))
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = self.clock()
        seq = next(self._seq)
        match = re.fullmatch(r"/bot([^/]+)/([^/]+)/?", request.path)
        method = match.group(2) if match else request.path
        params: Params = {}
        files: Files = {}
        try:
            params, files = await self._read_params(request)
            if match is None:
                raise ApiError(404, "Not Found")
            if match.group(1) != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            fault = self._take_fault(method)
            if fault is not None:
                raise fault
            self.check_limits(method.lower(), params, arrived)
            if self.rate_limit is not None and method.lower() in RATE_LIMITED:
                self._take_token(params, arrived)
            body: dict[str, Any] = {"ok": True, "result": await handler(params, files)}
            status = 200
        except ApiError as error:
            body, status = error.body(), error.code
        call = ApiCall(seq, method, params, body["ok"], body, arrived, files)
        if call.ok and method.lower() == "answercallbackquery":
            self.answered_callbacks[str(params["callback_query_id"])] = call
        async with self._calls_changed:
            bisect.insort(self.calls, call, key=lambda c: c.seq)
            self._calls_changed.notify_all()
        return web.json_response(body, status=status)

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[Params, Files]:
        raw: dict[str, Any] = dict(request.query)
        files: Files = {}
        if request.content_type == "application/json":
            try:
                payload = await request.json()
            except ValueError:
                raise bad("can't parse JSON object") from None
            if not isinstance(payload, dict):
                raise bad("can't parse JSON object")
            raw.update(payload)
        elif request.body_exists:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[name] = UploadedFile(name, value.filename, value.content_type, data)
                else:
                    raw[name] = value
        return {name: decode_param(name, value) for name, value in raw.items()}, files
