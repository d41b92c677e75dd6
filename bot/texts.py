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
    cold_busy: str
    cold_stopped: str
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
    regen_busy: str
    stats_title: str
    stats_title_period: str
    stats_current_day: str
    stats_current_period: str
    stats_totals: str
    stats_extremes: str
    stats_empty: str
    stats_empty_period: str
    stats_usage: str
    stats_button_today: str
    stats_button_days: str
    chart_title_day: str
    chart_title_period: str
    chart_today: str
    chart_week_average: str
    chart_last_days: str
    chart_previous_days: str
    chart_axis: str
    status: str
    status_offline: str
    status_llm: str
    status_never: str
    status_last_run: str
    status_failed: str
    status_next_none: str
    alert_job_done: str
    alert_missing: str
    alert_llm_fatal: str
    something_went_wrong: str
    too_fast: str
    cmd_start: str
    cmd_horoscope: str
    cmd_help: str
    cmd_regen: str
    cmd_stats: str
    cmd_status: str
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
    cold_busy=(
        "😅 Сейчас я пишу очень много гороскопов сразу. "
        "Попробуйте знак {sign} ещё раз через минуту."
    ),
    cold_stopped=(
        "🔧 Бот перезапускается, а гороскоп для знака {sign} ещё не готов. "
        "Попробуйте ещё раз через минуту."
    ),
    try_again="🔄 Попробовать ещё раз",
    all_signs="« Все знаки",
    unknown_input="Я понимаю кнопки и команды. Выберите свой знак зодиака:",
    stale_button="Эта кнопка устарела — вот свежее меню.",
    admin_only="Эта команда только для администраторов.",
    regen_unknown_sign="Не знаю такого знака: {sign}. Например: /regen leo или /regen Лев",
    regen_started="🔄 Перегенерирую гороскопы на {date}: {count} шт.",
    regen_progress="🔄 Перегенерация на {date}: {done}/{count}\n{signs}",
    regen_done="✅ Готово за {seconds} с: обновлено {generated} из {count}.",
    regen_failed_line="\n❌ Не удалось: {signs}",
    regen_busy=(
        "⏳ Перегенерация уже идёт: {done}/{count}, началась {seconds} с назад. "
        "Дождитесь её окончания."
    ),
    stats_title="📊 <b>Просмотры за {date}</b>",
    stats_title_period="📊 <b>Просмотры за {days} дн.</b> (по {date})",
    stats_current_day="Сегодня: <b>{total}</b> ({change} к вчера)",
    stats_current_period="За {days} дн.: <b>{total}</b> ({change} к предыдущим {days} дн.)",
    stats_totals="Сегодня {today} · 7 дн. {week} · 30 дн. {month}",
    stats_extremes="Чаще всего: {most} ({most_views}) · реже всего: {least} ({least_views})",
    stats_empty="Пока никто не смотрел гороскопы. Загляните позже!",
    stats_empty_period="За этот период просмотров нет. Попробуйте /stats 30.",
    stats_usage="Так: /stats (сегодня), /stats 7 или /stats 30.",
    stats_button_today="Сегодня",
    stats_button_days="{days} дн.",
    chart_title_day="Просмотры за {date}",
    chart_title_period="Просмотры за {days} дн. (по {date})",
    chart_today="Сегодня",
    chart_week_average="В среднем за день, предыдущие 7 дн.",
    chart_last_days="Последние {days} дн.",
    chart_previous_days="Предыдущие {days} дн.",
    chart_axis="Просмотры",
    status=(
        "ℹ️ <b>Состояние бота</b>\n"
        "Генератор: {llm}\n"
        "Гороскопы на {date}: {stored}/{count}\n"
        "Последний запуск: {last}\n"
        "Следующий запуск: {next}\n"
        "Просмотры, ещё не записанные в базу: {pending}\n"
        "База данных: {database}\n"
        "Версия: {version}"
    ),
    status_offline="офлайн-генератор",
    status_llm="LLM {model} ({host})",
    status_never="с момента старта не было",
    status_last_run="{when} — {stored}/{count} за {seconds} с",
    status_failed=", не удалось: {signs}",
    status_next_none="не запланирован",
    alert_job_done="🌙 Гороскопы на {date}: {stored}/{count} за {seconds} с",
    alert_missing="⚠️ Не удалось написать гороскоп после всех попыток:\n{lines}",
    alert_llm_fatal=(
        "🚨 LLM отказывает: {reason}\nЗнаки: {signs}. "
        "Проверьте OPENAI_API_KEY, квоту и OPENAI_MODEL."
    ),
    something_went_wrong="Что-то пошло не так. Попробуйте ещё раз через минуту.",
    too_fast="🐢 Не так быстро! Подождите секунду.",
    cmd_start="Начать",
    cmd_horoscope="Гороскоп на сегодня",
    cmd_help="Помощь",
    cmd_regen="Перегенерировать гороскопы (админ)",
    cmd_stats="Просмотры: график (админ)",
    cmd_status="Состояние бота (админ)",
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
    cold_busy="😅 I'm writing a lot of horoscopes at once. Please try {sign} again in a minute.",
    cold_stopped=(
        "🔧 The bot is restarting and the horoscope for {sign} isn't ready yet. "
        "Please try again in a minute."
    ),
    try_again="🔄 Try again",
    all_signs="« All signs",
    unknown_input="I understand buttons and commands. Choose your zodiac sign:",
    stale_button="This button is out of date — here is a fresh menu.",
    admin_only="This command is for administrators only.",
    regen_unknown_sign="Unknown sign: {sign}. For example: /regen leo",
    regen_started="🔄 Regenerating horoscopes for {date}: {count}.",
    regen_progress="🔄 Regenerating for {date}: {done}/{count}\n{signs}",
    regen_done="✅ Done in {seconds} s: {generated} of {count} regenerated.",
    regen_failed_line="\n❌ Failed: {signs}",
    regen_busy=(
        "⏳ A regeneration is already running: {done}/{count}, started {seconds} s ago. "
        "Please wait for it to finish."
    ),
    stats_title="📊 <b>Views on {date}</b>",
    stats_title_period="📊 <b>Views, last {days} days</b> (to {date})",
    stats_current_day="Today: <b>{total}</b> ({change} vs yesterday)",
    stats_current_period="Last {days} days: <b>{total}</b> ({change} vs the {days} days before)",
    stats_totals="Today {today} · 7 days {week} · 30 days {month}",
    stats_extremes="Most read: {most} ({most_views}) · least read: {least} ({least_views})",
    stats_empty="Nobody has read a horoscope yet. Check back later!",
    stats_empty_period="No views in this period. Try /stats 30.",
    stats_usage="Usage: /stats (today), /stats 7 or /stats 30.",
    stats_button_today="Today",
    stats_button_days="{days} days",
    chart_title_day="Views on {date}",
    chart_title_period="Views, last {days} days (to {date})",
    chart_today="Today",
    chart_week_average="Daily average, previous 7 days",
    chart_last_days="Last {days} days",
    chart_previous_days="Previous {days} days",
    chart_axis="Views",
    status=(
        "ℹ️ <b>Bot status</b>\n"
        "Writer: {llm}\n"
        "Horoscopes for {date}: {stored}/{count}\n"
        "Last job: {last}\n"
        "Next job: {next}\n"
        "Views not yet written: {pending}\n"
        "Database: {database}\n"
        "Version: {version}"
    ),
    status_offline="offline generator",
    status_llm="LLM {model} ({host})",
    status_never="none since start",
    status_last_run="{when} — {stored}/{count} in {seconds} s",
    status_failed=", failed: {signs}",
    status_next_none="not scheduled",
    alert_job_done="🌙 Horoscopes for {date}: {stored}/{count} in {seconds} s",
    alert_missing="⚠️ Still missing after all retries:\n{lines}",
    alert_llm_fatal=(
        "🚨 The LLM refuses: {reason}\nSigns: {signs}. "
        "Check OPENAI_API_KEY, the quota and OPENAI_MODEL."
    ),
    something_went_wrong="Something went wrong. Please try again in a minute.",
    too_fast="🐢 Not so fast! Please wait a second.",
    cmd_start="Start",
    cmd_horoscope="Today's horoscope",
    cmd_help="Help",
    cmd_regen="Regenerate horoscopes (admin)",
    cmd_stats="Views chart (admin)",
    cmd_status="Bot status (admin)",
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
