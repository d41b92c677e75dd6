"""Everything the bot says, in Russian (default) and English.

Plain dataclass instances rather than gettext catalogues: two languages and a few dozen
strings don't earn a build step. Every string here is trusted HTML; anything coming from a
user or the LLM goes through :func:`html.escape` in :mod:`bot.render`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Texts:
    greeting: str
    choose_sign: str
    help: str
    preparing: str
    apology: str
    try_again: str
    all_signs: str
    unknown_input: str
    stale_button: str
    admin_only: str
    regen_unknown_sign: str
    regen_started: str
    regen_progress: str
    regen_done: str
    regen_failed_line: str
    stats_title: str
    stats_empty: str
    stats_line: str
    stats_total: str
    alert_job_done: str
    alert_missing: str
    alert_llm_fatal: str
    something_went_wrong: str
    cmd_start: str
    cmd_horoscope: str
    cmd_help: str
    months: tuple[str, ...]


RU = Texts(
    greeting=(
        "Привет, {name}! ✨\nЯ каждый день составляю свежий гороскоп для всех двенадцати знаков."
    ),
    choose_sign="Выберите свой знак зодиака:",
    help=(
        "<b>Как пользоваться</b>\n"
        "Нажмите на свой знак — и получите гороскоп на сегодня. Новые гороскопы появляются "
        "каждый день в {time} ({tz}).\n\n"
        "/horoscope — выбрать знак\n/help — эта подсказка"
    ),
    preparing="⏳ Составляю гороскоп для знака {sign}… Это займёт несколько секунд.",
    apology=(
        "😔 Не получилось составить гороскоп для знака {sign}. "
        "Звёзды немного заняты — попробуйте ещё раз чуть позже."
    ),
    try_again="🔄 Попробовать ещё раз",
    all_signs="« Все знаки",
    unknown_input="Я понимаю кнопки и команды. Выберите свой знак зодиака:",
    stale_button="Эта кнопка устарела — вот свежее меню.",
    admin_only="Эта команда только для администраторов.",
    regen_unknown_sign="Не знаю такого знака: {sign}. Например: /regen leo или /regen Лев",
    regen_started="🔄 Перегенерирую гороскопы на {date}: {count} шт.",
    regen_progress="🔄 Перегенерация на {date}: {done}/{count}…",
    regen_done="✅ Готово за {seconds} с: обновлено {generated} из {count}.",
    regen_failed_line="\n❌ Не удалось: {signs}",
    stats_title="📊 <b>Просмотры за {date}</b>",
    stats_empty="Пока никто не смотрел гороскопы. Загляните позже!",
    stats_line="{emoji} {name}: {today} (7 дн.: {week}, 30 дн.: {month})",
    stats_total="<b>Всего сегодня: {today}</b> (7 дн.: {week}, 30 дн.: {month})",
    alert_job_done="🌙 Гороскопы на {date}: {stored}/{count} за {seconds} с",
    alert_missing="⚠️ Не удалось написать гороскоп после всех попыток:\n{lines}",
    alert_llm_fatal=(
        "🚨 LLM отказывает: {reason}\nЗнаки: {signs}. "
        "Проверьте OPENAI_API_KEY, квоту и OPENAI_MODEL."
    ),
    something_went_wrong="Что-то пошло не так. Попробуйте ещё раз через минуту.",
    cmd_start="Начать",
    cmd_horoscope="Гороскоп на сегодня",
    cmd_help="Помощь",
    months=(
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
)

EN = Texts(
    greeting="Hi, {name}! ✨\nEvery day I write a fresh horoscope for all twelve signs.",
    choose_sign="Choose your zodiac sign:",
    help=(
        "<b>How it works</b>\n"
        "Tap your sign to get today's horoscope. New horoscopes appear every day at "
        "{time} ({tz}).\n\n"
        "/horoscope — choose a sign\n/help — this help"
    ),
    preparing="⏳ Writing the horoscope for {sign}… This takes a few seconds.",
    apology=(
        "😔 I couldn't write the horoscope for {sign} right now. "
        "The stars are a little busy — please try again in a moment."
    ),
    try_again="🔄 Try again",
    all_signs="« All signs",
    unknown_input="I understand buttons and commands. Choose your zodiac sign:",
    stale_button="This button is out of date — here is a fresh menu.",
    admin_only="This command is for administrators only.",
    regen_unknown_sign="Unknown sign: {sign}. For example: /regen leo",
    regen_started="🔄 Regenerating horoscopes for {date}: {count}.",
    regen_progress="🔄 Regenerating for {date}: {done}/{count}…",
    regen_done="✅ Done in {seconds} s: {generated} of {count} regenerated.",
    regen_failed_line="\n❌ Failed: {signs}",
    stats_title="📊 <b>Views on {date}</b>",
    stats_empty="Nobody has read a horoscope yet. Check back later!",
    stats_line="{emoji} {name}: {today} (7d: {week}, 30d: {month})",
    stats_total="<b>Total today: {today}</b> (7d: {week}, 30d: {month})",
    alert_job_done="🌙 Horoscopes for {date}: {stored}/{count} in {seconds} s",
    alert_missing="⚠️ Still missing after all retries:\n{lines}",
    alert_llm_fatal=(
        "🚨 The LLM refuses: {reason}\nSigns: {signs}. "
        "Check OPENAI_API_KEY, the quota and OPENAI_MODEL."
    ),
    something_went_wrong="Something went wrong. Please try again in a minute.",
    cmd_start="Start",
    cmd_horoscope="Today's horoscope",
    cmd_help="Help",
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
)

TEXTS = {"ru": RU, "en": EN}


def get_texts(language: str) -> Texts:
    return TEXTS.get(language, RU)
