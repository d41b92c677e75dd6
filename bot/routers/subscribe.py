"""The daily push, as a user sees it: /subscribe (or "🔔 Every morning" under a horoscope) in
three steps — sign, time, time zone — then one confirmation; /settings' push buttons (change
sign, time or zone with the same steps, pause, resume, unsubscribe); /stop.

Button steps edit one message in place and carry what was chosen so far in their callback
data (no state to keep). The typed steps (another time, a city, a shared location) keep the
step in aiogram's FSM on the database (``bot/fsm.py``): ``PushFlow.time`` and
``PushFlow.zone``, with the choices (and the flow message's id, when it was a button's) as
data; after a typed answer the flow goes on in a new message, the edited one losing its
buttons. The state is always written before the step that needs it is shown: the user's next
update may be handled at once, on any replica. The services do the work:
``SubscriptionService`` (services/subscriptions.py), ``services/places`` (cities, locations,
common zones).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import structlog
from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram_i18n import I18nContext

from bot.alerts import sign_label
from bot.callbacks import (
    PushAction,
    PushBack,
    PushMode,
    PushPause,
    PushSettings,
    PushSign,
    PushStart,
    PushStep,
    PushTime,
    PushZone,
)
from bot.fsm import ConversationMiddleware
from bot.i18n import format_day_month
from bot.keyboards import (
    hhmm,
    location_request_keyboard,
    pause_keyboard,
    push_back_keyboard,
    push_cities_keyboard,
    push_done_keyboard,
    push_sign_keyboard,
    push_time_keyboard,
    push_zone_keyboard,
    signs_keyboard,
)
from bot.replies import answer_callback, show
from bot.routers.users import settings_view, user_sign
from services import places
from services.runtime import Services
from services.subscriptions import Subscription
from services.users import UserState
from services.zodiac import ZodiacSign

log = structlog.get_logger(__name__)

_TIME = re.compile(r"\s*(\d{1,2})\s*[:.]\s*(\d{2})\s*")


class PushFlow(StatesGroup):
    time = State()  # "another time": a typed HH:MM awaited
    zone = State()  # step 3: a typed city or a shared location awaited


def parse_time(text: str) -> str | None:
    """``7:30``, ``07:30``, ``19.45`` → ``"0730"``, ``"1945"``; anything else → None."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}{minutes:02d}"


def _sign_text(sign: ZodiacSign | None, i18n: I18nContext) -> str:
    return sign_label(sign, i18n.locale) if sign is not None else ""


def next_text(subscription: Subscription, i18n: I18nContext, now: datetime) -> str:
    """``tomorrow, 1 December``: the next delivery's date in the subscriber's zone, "today"
    and "tomorrow" relative to that zone's date now."""
    local = subscription.next_local()
    if local is None:
        return ""
    day = local.date()
    today = now.astimezone(subscription.zone).date()
    label = format_day_month(day, i18n.locale)
    if day == today:
        return i18n.get("push-next-today", date=label)
    if day == today + timedelta(days=1):
        return i18n.get("push-next-tomorrow", date=label)
    return label


def confirmation(subscription: Subscription, i18n: I18nContext, now: datetime) -> str:
    return i18n.get(
        "push-subscribed",
        sign=sign_label(ZodiacSign(subscription.sign), i18n.locale),
        time=subscription.push_time.strftime("%H:%M"),
        zone=subscription.timezone,
        next=next_text(subscription, i18n, now),
    )


# -- showing the steps ------------------------------------------------------------------


async def _drop_buttons(message: Message, message_id: int | None) -> None:
    """The previous flow message keeps its text but loses its buttons (best effort)."""
    if message_id is None or message.bot is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await message.bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message_id, reply_markup=None
        )


def _heading(mode: PushMode) -> str:
    """The steps' heading: "step N of 3" in the whole flow, none when /settings changes one
    part (a lone step is not one of three)."""
    return "new" if mode is PushMode.NEW else "change"


async def _show(
    target: CallbackQuery | Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer where the user is: a tapped button's message is edited in place (a new message
    when it can't be); a command or a typed answer (a time, a city, a location) gets a new
    message."""
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def show_sign_step(
    target: CallbackQuery | Message,
    i18n: I18nContext,
    mode: PushMode,
    selected: ZodiacSign | None,
) -> None:
    text = i18n.get("push-step-sign", mode=_heading(mode))
    await _show(target, text, push_sign_keyboard(i18n, mode, selected))


async def show_time_step(
    query: CallbackQuery, i18n: I18nContext, mode: PushMode, sign: ZodiacSign | None
) -> None:
    text = i18n.get("push-step-time", sign=_sign_text(sign, i18n), mode=_heading(mode))
    await show(query, text, push_time_keyboard(i18n, mode, sign))


async def show_zone_step(
    target: CallbackQuery | Message,
    state: FSMContext,
    i18n: I18nContext,
    services: Services,
    mode: PushMode,
    sign: ZodiacSign | None,
    at: str,
) -> None:
    """Step 3, and the conversation state that lets a typed city or a location answer it.
    The city index starts building in the background (seconds, once per process)."""
    now = services.cache.clock.utc_now()
    text = i18n.get(
        "push-step-zone", sign=_sign_text(sign, i18n), time=hhmm(at), mode=_heading(mode)
    )
    # The state first: the user's next message may be handled as soon as the step is shown.
    # After a typed answer the new message's id is not kept: writing it after the send could
    # race the user's next tap, which may already have ended the conversation.
    shown = _tapped(target) if isinstance(target, CallbackQuery) else None
    await state.set_state(PushFlow.zone)
    await state.set_data(_flow_data(mode, sign, at, shown))
    warm_city_index(services)
    await _show(target, text, push_zone_keyboard(i18n, mode, sign, at, now))


def _tapped(query: CallbackQuery) -> Message | None:
    """The message whose button was tapped (None when Telegram no longer has it)."""
    return query.message if isinstance(query.message, Message) else None


def _flow_data(
    mode: PushMode, sign: ZodiacSign | None, at: str, shown: Message | None
) -> dict[str, Any]:
    return {
        "mode": mode.value,
        "sign": sign.value if sign is not None else None,
        "at": at,
        "message_id": shown.message_id if shown is not None else None,
    }


def _from_data(data: dict[str, Any]) -> tuple[PushMode, ZodiacSign | None, str, int | None]:
    try:
        mode = PushMode(data.get("mode", "n"))
        sign = ZodiacSign(data["sign"]) if data.get("sign") else None
    except ValueError:
        mode, sign = PushMode.NEW, None
    at = str(data.get("at") or "")
    message_id = data.get("message_id")
    return mode, sign, at, message_id if isinstance(message_id, int) else None


def warm_city_index(services: Services) -> None:
    """Build the city index in a worker thread now, so that the first typed city need not
    wait for it (a no-op once built)."""
    if places.index_ready():
        return
    services.spawn(asyncio.to_thread(places.city_index), name="places-index")


# -- the flow ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Turn:
    """An answer to a step — a tapped button, or a typed time, city or location — and what
    its handler was given: the flow goes on where the answer came from (:func:`_show`)."""

    event: CallbackQuery | Message
    i18n: I18nContext
    state: FSMContext
    services: Services
    user_state: UserState | None

    @property
    def query(self) -> CallbackQuery | None:
        return self.event if isinstance(self.event, CallbackQuery) else None

    @property
    def message(self) -> Message | None:
        return self.event if isinstance(self.event, Message) else None

    @property
    def user_id(self) -> int:
        user = self.event.from_user
        assert user is not None  # a private chat's update has its user
        return user.id


async def subscribe_command(
    message: Message,
    i18n: I18nContext,
    state: FSMContext,
    raw_state: str | None = None,
    user_state: UserState | None = None,
) -> None:
    if raw_state is not None:
        await state.clear()
    await show_sign_step(message, i18n, PushMode.NEW, user_sign(user_state))


async def start_flow(
    query: CallbackQuery, i18n: I18nContext, user_state: UserState | None = None
) -> None:
    """ "🔔 Every morning" under a horoscope (or in /settings): step 1, the user's sign
    marked."""
    await answer_callback(query)
    await show_sign_step(query, i18n, PushMode.NEW, user_sign(user_state))


async def sign_chosen(
    query: CallbackQuery,
    callback_data: PushSign,
    i18n: I18nContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    if callback_data.mode is PushMode.NEW:
        await answer_callback(query)
        await show_time_step(query, i18n, PushMode.NEW, callback_data.sign)
        return
    changed = await services.subscriptions.change(query.from_user.id, sign=callback_data.sign.value)
    await _back_to_settings(query, i18n, services, user_state, changed, "push-saved")


async def time_chosen(
    query: CallbackQuery,
    callback_data: PushTime,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    mode, sign = callback_data.mode, callback_data.sign
    if not callback_data.at:  # "another time": typed
        await answer_callback(query)
        back = PushBack(mode=mode, to=PushStep.TIME, sign=sign)
        await state.set_state(PushFlow.time)  # first: the answer may come at once
        await state.set_data(_flow_data(mode, sign, "", _tapped(query)))
        await show(query, i18n.get("push-type-time"), push_back_keyboard(i18n, back))
        return
    at = parse_time(hhmm(callback_data.at)) if len(callback_data.at) == 4 else None
    if at is None:  # forged
        await answer_callback(query, i18n.get("stale-button"))
        await show_time_step(query, i18n, mode, sign)
        return
    await _time_known(_Turn(query, i18n, state, services, user_state), mode, sign, at)


async def _time_known(turn: _Turn, mode: PushMode, sign: ZodiacSign | None, at: str) -> None:
    """Step 2 answered: step 3 in the whole flow; from /settings, the time changed."""
    if mode is PushMode.NEW:
        if turn.query is not None:
            await answer_callback(turn.query)
        await show_zone_step(turn.event, turn.state, turn.i18n, turn.services, mode, sign, at)
        return
    await turn.state.clear()
    changed = await turn.services.subscriptions.change(turn.user_id, at=_as_time(at))
    await _back_to_settings(
        turn.event, turn.i18n, turn.services, turn.user_state, changed, "push-saved"
    )


def _as_time(at: str) -> time:
    return time(int(at[:2]), int(at[2:]))


async def typed_time(
    message: Message,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    data = await state.get_data()
    mode, sign, _, message_id = _from_data(data)
    at = parse_time(message.text or "")
    if at is None:  # a clear example; the step stays open
        text = i18n.get("push-bad-time", text=html.escape((message.text or "")[:40]))
        await message.answer(text)
        return
    await _drop_buttons(message, message_id)
    await _time_known(_Turn(message, i18n, state, services, user_state), mode, sign, at)


async def zone_chosen(
    query: CallbackQuery,
    callback_data: PushZone,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    mode, sign, at = callback_data.mode, callback_data.sign, callback_data.at
    if callback_data.zone == "loc":
        await answer_callback(query)
        # Only a reply keyboard can ask for a location: a message of its own. The state
        # (step 3's) stays: the location, or a typed city, answers it.
        if await state.get_state() != PushFlow.zone.state:
            await state.set_state(PushFlow.zone)
            await state.set_data(_flow_data(mode, sign, at, _tapped(query)))
        await state.update_data(keyboard=True)
        await query.bot.send_message(  # type: ignore[union-attr]
            query.from_user.id,
            i18n.get("push-location-ask"),
            reply_markup=location_request_keyboard(i18n),
        )
        return
    zone = await resolve_zone_id(callback_data.zone)
    if zone is None or sign is None or not at:
        await answer_callback(query, i18n.get("push-zone-unknown"))
        await show_zone_step(query, state, i18n, services, mode, sign, at)
        return
    await answer_callback(query)
    data = await state.get_data()
    await _finish(_Turn(query, i18n, state, services, user_state), mode, sign, at, zone, data)


async def resolve_zone_id(zone_id: str) -> str | None:
    """``z<index>`` (a common zone) or ``g<geonameid>`` (a city) → the IANA zone, or None."""
    kind, number = zone_id[:1], zone_id[1:]
    if not number.isdigit() or len(number) > 10:
        return None
    if kind == "z":
        common = places.all_common_zones()
        index = int(number)
        return common[index] if index < len(common) else None
    if kind == "g":
        cities = await asyncio.to_thread(places.city_index)
        city = cities.by_id(int(number))
        return city.timezone if city is not None else None
    return None


async def typed_city(
    message: Message,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    data = await state.get_data()
    mode, sign, at, message_id = _from_data(data)
    query_text = (message.text or "").strip()[:80]
    cities = await asyncio.to_thread(places.find_cities, query_text)
    shown_text = html.escape(query_text[:40])
    if not cities:
        await message.answer(i18n.get("push-city-none", text=shown_text))
        return
    winner = places.clear_winner(cities)
    await _drop_buttons(message, message_id)
    if winner is not None:
        turn = _Turn(message, i18n, state, services, user_state)
        await _finish(turn, mode, sign, at, winner.timezone, data)
        return
    await state.update_data(message_id=None)  # before the send: a tap may follow at once
    await message.answer(
        i18n.get("push-city-several", text=shown_text),
        reply_markup=push_cities_keyboard(i18n, mode, sign, at, cities),
    )


async def shared_location(
    message: Message,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    """Only the zone is kept: the coordinates are looked up here and forgotten."""
    data = await state.get_data()
    mode, sign, at, message_id = _from_data(data)
    location = message.location
    assert location is not None
    zone = places.zone_at(location.latitude, location.longitude)
    if zone is None:
        await message.answer(i18n.get("push-location-failed"))
        return
    await _drop_buttons(message, message_id)
    await _finish(_Turn(message, i18n, state, services, user_state), mode, sign, at, zone, data)


async def _finish(
    turn: _Turn,
    mode: PushMode,
    sign: ZodiacSign | None,
    at: str,
    zone: str,
    data: dict[str, Any],
) -> None:
    """The zone is known: subscribe (or change the zone), then the one confirmation. A reply
    keyboard asked for a location is taken away with it (a new message: an edit cannot)."""
    query, message, i18n, services = turn.query, turn.message, turn.i18n, turn.services
    user_id = turn.user_id
    await turn.state.clear()
    if mode is PushMode.NEW:
        if sign is None or not at:  # a step whose data is gone: start again
            await show_sign_step(turn.event, i18n, PushMode.NEW, user_sign(turn.user_state))
            return
        subscription: Subscription | None = await services.subscriptions.subscribe(
            user_id, sign.value, _as_time(at), zone
        )
    else:
        subscription = await services.subscriptions.change(user_id, timezone=zone)
    if subscription is None:  # changed from /settings, but unsubscribed meanwhile
        target = query.message if query is not None else message
        if isinstance(target, Message):
            await target.answer(i18n.get("push-not-subscribed"))
        return
    text = confirmation(subscription, i18n, services.cache.clock.utc_now())
    if query is not None and not data.get("keyboard"):
        await show(query, text, push_done_keyboard(i18n))
        return
    bot = turn.event.bot
    assert bot is not None
    if data.get("keyboard") or (message is not None and message.location is not None):
        # Away with the "send my location" keyboard; then the confirmation with its buttons.
        await bot.send_message(
            user_id, i18n.get("push-location-done", zone=zone), reply_markup=ReplyKeyboardRemove()
        )
        if query is not None and isinstance(query.message, Message):
            await _drop_buttons(query.message, query.message.message_id)
    await bot.send_message(user_id, text, reply_markup=push_done_keyboard(i18n))


async def go_back(
    query: CallbackQuery,
    callback_data: PushBack,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    """« Back: to the step named; leaving the flow (the menu, /settings) forgets its step."""
    await answer_callback(query)
    mode, to = callback_data.mode, callback_data.to
    if to is not PushStep.ZONE:
        await state.clear()
    if to is PushStep.MENU:
        await show(query, i18n.get("choose-sign"), signs_keyboard(i18n.locale))
    elif to is PushStep.SETTINGS:
        text, markup = await settings_view(i18n, user_state, services, query.from_user.id)
        await show(query, text, markup)
    elif to is PushStep.SIGN:
        await show_sign_step(query, i18n, mode, callback_data.sign or user_sign(user_state))
    elif to is PushStep.TIME:
        await show_time_step(query, i18n, mode, callback_data.sign)
    else:
        await show_zone_step(
            query, state, i18n, services, mode, callback_data.sign, callback_data.at
        )


# -- /settings' push buttons, /stop ---------------------------------------------------------


async def _back_to_settings(
    target: CallbackQuery | Message,
    i18n: I18nContext,
    services: Services,
    user_state: UserState | None,
    subscription: Subscription | None,
    notice: str,
    **notice_args: Any,
) -> None:
    """/settings after a change; a tapped button's notice says how it went (``notice``, or
    that there was no subscription to change)."""
    if isinstance(target, CallbackQuery):
        await answer_callback(
            target,
            i18n.get(notice, **notice_args) if subscription else i18n.get("push-not-subscribed"),
        )
    user = target.from_user
    assert user is not None
    text, markup = await settings_view(i18n, user_state, services, user.id)
    await _show(target, text, markup)


async def settings_action(
    query: CallbackQuery,
    callback_data: PushSettings,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    user_id = query.from_user.id
    subscriptions = services.subscriptions
    action = callback_data.action
    current = await subscriptions.get(user_id)
    if current is None or current.state == "stopped":
        await _back_to_settings(query, i18n, services, user_state, None, "push-saved")
        return
    if action is PushAction.SIGN:
        await answer_callback(query)
        await show_sign_step(query, i18n, PushMode.SIGN, ZodiacSign(current.sign))
    elif action is PushAction.TIME:
        await answer_callback(query)
        await show_time_step(query, i18n, PushMode.TIME, ZodiacSign(current.sign))
    elif action is PushAction.ZONE:
        await answer_callback(query)
        at = current.push_time.strftime("%H%M")
        sign = ZodiacSign(current.sign)
        await show_zone_step(query, state, i18n, services, PushMode.ZONE, sign, at)
    elif action is PushAction.PAUSE:
        await answer_callback(query)
        await show(query, i18n.get("push-pause-ask"), pause_keyboard(i18n))
    elif action is PushAction.RESUME:
        resumed = await subscriptions.resume(user_id)
        await _back_to_settings(query, i18n, services, user_state, resumed, "push-resumed")
    else:
        stopped = await subscriptions.stop(user_id)
        await _back_to_settings(
            query, i18n, services, user_state, current if stopped else None, "push-unsubscribed"
        )


async def pause_chosen(
    query: CallbackQuery,
    callback_data: PushPause,
    i18n: I18nContext,
    services: Services,
    user_state: UserState | None = None,
) -> None:
    days = callback_data.days
    if days not in (0, 1, 3, 7):
        await answer_callback(query, i18n.get("stale-button"))
        text, markup = await settings_view(i18n, user_state, services, query.from_user.id)
        await show(query, text, markup)
        return
    paused = await services.subscriptions.pause(query.from_user.id, days or None)
    if paused is not None and paused.paused_until is not None:
        date_text = format_day_month(paused.paused_until, i18n.locale)
        await _back_to_settings(
            query, i18n, services, user_state, paused, "push-paused", date=date_text
        )
    else:
        await _back_to_settings(query, i18n, services, user_state, paused, "push-paused-forever")


async def stop_command(
    message: Message,
    i18n: I18nContext,
    state: FSMContext,
    services: Services,
    raw_state: str | None = None,
) -> None:
    """/stop: unsubscribed in one step (people use it instead of blocking the bot)."""
    if raw_state is not None:
        await state.clear()
    assert message.from_user is not None
    stopped = await services.subscriptions.stop(message.from_user.id)
    await message.answer(i18n.get("push-stopped" if stopped else "push-not-subscribed"))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="subscribe")
    # Conversation state only here (bot/fsm.py): a message reaching this router reads it,
    # a callback gets a context that reads nothing until asked.
    router.message.outer_middleware(ConversationMiddleware(read=True))
    router.callback_query.outer_middleware(ConversationMiddleware(read=False))
    router.message.register(subscribe_command, Command("subscribe"))
    router.message.register(stop_command, Command("stop"))
    router.message.register(typed_time, StateFilter(PushFlow.time), F.text)
    router.message.register(shared_location, StateFilter(PushFlow.zone), F.location)
    router.message.register(typed_city, StateFilter(PushFlow.zone), F.text)
    router.callback_query.register(start_flow, PushStart.filter())
    router.callback_query.register(sign_chosen, PushSign.filter())
    router.callback_query.register(time_chosen, PushTime.filter())
    router.callback_query.register(zone_chosen, PushZone.filter())
    router.callback_query.register(go_back, PushBack.filter())
    router.callback_query.register(settings_action, PushSettings.filter())
    router.callback_query.register(pause_chosen, PushPause.filter())
    return router
