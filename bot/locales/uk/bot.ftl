# Everything the bot says, in Ukrainian. Project Fluent syntax: https://projectfluent.org/
# Every value is trusted Telegram HTML: escape < > & as &lt; &gt; &amp; when meant as text.
# Placeables ({ $name }) are filled in by the bot; anything coming from a user or the LLM is
# escaped before it gets here. Plural variants follow CLDR: one / few / many / other
# (1, 21 перегляд · 2, 22 перегляди · 5, 11, 25 переглядів · 1,5 перегляду).

## Everyone

greeting =
    Привіт, { $name }! ✨
    Я щодня складаю свіжий гороскоп для всіх дванадцяти знаків.
choose-sign = Оберіть свій знак зодіаку:
help =
    <b>Як користуватися</b>
    Натисніть на свій знак — і отримаєте гороскоп на сьогодні. Новий день починається опівночі ({ $tz }): відтоді кожен знак показує гороскоп на новий день.

    /horoscope — обрати знак
    /help — ця підказка
preparing = ⏳ Складаю гороскоп для знака { $sign }… Це займе кілька секунд.
apology = 😔 Не вдалося скласти гороскоп для знака { $sign }. Зорі зараз трохи зайняті — спробуйте ще раз за хвилинку.
cold-busy = 😅 Зараз я пишу дуже багато гороскопів одночасно. Спробуйте знак { $sign } ще раз за хвилину.
cold-stopped = 🔧 Бот перезапускається, а гороскоп для знака { $sign } ще не готовий. Спробуйте ще раз за хвилину.
too-fast = 🐢 Не так швидко! Зачекайте секунду.
try-again = 🔄 Спробувати ще раз
all-signs = « Усі знаки
unknown-input = Я розумію кнопки й команди. Оберіть свій знак зодіаку:
stale-button = Ця кнопка застаріла — ось свіже меню.
something-went-wrong = Щось пішло не так. Спробуйте ще раз за хвилину.

## The command menu

cmd-start = Почати
cmd-horoscope = Гороскоп на сьогодні
cmd-help = Допомога
cmd-regen = Перегенерувати гороскопи (адмін)
cmd-stats = Перегляди: графік (адмін)
cmd-status = Стан бота (адмін)

## Admins

admin-only = Ця команда лише для адміністраторів.
admin-private-only = Команди адміністратора працюють лише в особистому чаті з ботом.
regen-unknown-sign = Не знаю такого знака: { $sign }. Наприклад: /regen leo або /regen Лев
regen-progress =
    🔄 Перегенерація на { $date }: { $done }/{ $count }
    { $signs }
regen-done = ✅ Готово за { $seconds } с: оновлено { $generated } з { $count }.
regen-failed-line = ❌ Не вдалося: { $signs }
regen-busy = ⏳ Перегенерація вже триває: { $done }/{ $count }, почалася { $seconds } с тому. Дочекайтеся її завершення.

stats-title = 📊 <b>Перегляди за { $date }</b>
stats-title-period = 📊 <b>Перегляди за { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    }</b> (по { $date })
stats-current-day = Сьогодні: <b>{ $total }</b> { $total ->
        [one] перегляд
        [few] перегляди
        [many] переглядів
       *[other] перегляду
    } ({ $change } порівняно з учорашнім днем)
stats-current-period = За { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    }: <b>{ $total }</b> { $total ->
        [one] перегляд
        [few] перегляди
        [many] переглядів
       *[other] перегляду
    } ({ $change } порівняно з попереднім періодом)
stats-totals = Сьогодні { $today } · 7 дн. { $week } · 30 дн. { $month }
stats-extremes = Найчастіше: { $most } ({ $most_views }) · найрідше: { $least } ({ $least_views })
stats-empty = Поки що ніхто не переглядав гороскопи. Зазирніть пізніше!
stats-empty-period = За цей період переглядів немає. Спробуйте /stats 30.
stats-usage = Ось так: /stats (сьогодні), /stats 7 або /stats 30.
stats-button-today = Сьогодні
stats-button-days = { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    }

chart-title-day = Перегляди за { $date }
chart-title-period = Перегляди за { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    } (по { $date })
chart-today = Сьогодні
chart-week-average = У середньому за день, попередні 7 днів
chart-last-days = { $days ->
        [one] Останній { $days } день
        [few] Останні { $days } дні
        [many] Останні { $days } днів
       *[other] Останні { $days } дня
    }
chart-previous-days = { $days ->
        [one] Попередній { $days } день
        [few] Попередні { $days } дні
        [many] Попередні { $days } днів
       *[other] Попередні { $days } дня
    }
chart-axis = Перегляди

status =
    ℹ️ <b>Стан бота</b>
    Генератор: { $llm }
    Гороскопи на { $date }: { $stored }/{ $count }
    Останній запуск: { $last }
    Наступний запуск: { $next }
    Перегляди, ще не записані в базу: { $pending }
    База даних: { $database }
    Версія: { $version }
status-offline = офлайн-генератор
status-llm = LLM { $model } ({ $host })
status-never = від старту ще не було
status-last-run = { $when } — { $stored }/{ $count } за { $seconds } с
status-failed = , не вдалося: { $signs }
status-next-none = не заплановано

## Alerts to admins

alert-job-done = 🌙 Гороскопи на { $date }: { $stored }/{ $count } за { $seconds } с
alert-missing =
    ⚠️ Не вдалося написати гороскоп після всіх спроб:
    { $lines }
alert-llm-fatal =
    🚨 LLM відмовляє: { $reason }
    Знаки: { $signs }. Перевірте OPENAI_API_KEY, квоту та OPENAI_MODEL.

## Why a generation failed (a provider's own message may follow, cut and cleaned)

failure-reason = { $reason } ({ $detail })
reason-auth = ключ API не прийнято
reason-quota = квоту вичерпано
reason-model = модель не знайдено
reason-rate-limit = забагато запитів
reason-timeout = LLM не відповів вчасно
reason-connection = LLM недоступний
reason-server = збій на боці LLM
reason-bad-text = LLM надіслав непридатний текст
reason-unknown = невідома помилка

## Surfaces

# The command menu, more of it (the menu's order: start, horoscope, language, settings, help, forget).
cmd-language = Мова
cmd-settings = Налаштування
cmd-forget = Видалити мої дані
# Plain text, not HTML. Shown in an empty chat ("What can this bot do?"); at most 512 characters.
bot-description = Гороскоп на сьогодні для кожного знака зодіаку. Натисніть на свій знак — і він з’явиться одразу; новий я пишу щодня опівночі. Я розмовляю вашою мовою, змінити її можна командою /language. Я зберігаю лише вашу мову та останній обраний знак, а /forget видаляє і їх.
# Plain text, on the bot's profile and in link previews; at most 120 characters.
bot-short-description = Гороскоп на сьогодні для вашого знака одним дотиком — щодня свіжий.
# /stats: the users (the count words take plural forms).
stats-users = 👥 { $total } { $total ->
        [one] користувач
        [few] користувачі
        [many] користувачів
       *[other] користувача
    } · нових сьогодні: { $new }
stats-users-active = Активні: { $week } за 7 дн. · { $month } за 30 дн.

## Users

your-sign = { $emoji } { $sign } — гороскоп на сьогодні
choose-language = Оберіть, якою мовою мені з вами розмовляти:
language-chosen = ✅ Мову змінено: { $language }.
settings-title = ⚙️ <b>Налаштування</b>
settings-language = Мова: { $language }
settings-language-auto = { $language } (як у вашому Telegram)
settings-sign = Знак: { $sign }
settings-no-sign = ще не обрано
settings-change-language = 🌐 Змінити мову
settings-change-sign = ✨ Змінити знак
help-users =
    /language — мова, якою я розмовляю
    /settings — ваші мова та знак
    /forget — видалити ваші дані

    <b>Що я зберігаю про вас і навіщо</b>
    Ваш id у Telegram (щоб упізнати вас), обрану вами мову та мову вашого застосунку Telegram (щоб розмовляти нею), знак, який ви відкривали останнім (щоб запропонувати його першим), і дати першого та останнього звернення до бота (для статистики). Більше нічого: ні імені, ні повідомлень.
    /forget видаляє все це одразу. Після цього на 24 години залишається лише сам id — щоб незавершений запис не повернув ваші дані.
forget-confirm =
    🗑 <b>Видалити ваші дані?</b>
    Я видалю все, що зберігаю про вас: мову, знак і дати звернень до бота. Цю дію не можна скасувати.
forget-yes = 🗑 Так, видалити
forget-cancel = Скасувати
forget-done = ✅ Готово: я видалив усе, що зберігав про вас. Якщо знову надішлете /start, я почну з чистого аркуша.
forget-cancelled = Нічого не видалено.

## Share

share-button = 📤 Поділитися
share-open-bot = ✨ Відкрити Zodiac
share-preparing-title = ⏳ { $sign }: гороскоп ще пишеться
share-preparing-description = Спробуйте ще раз за хвилину.
share-preparing-message = ⏳ Гороскоп на сьогодні для знака { $sign } ще пишеться. Відкрийте Zodiac, щоб прочитати його трохи згодом.
stats-shares = 📤 Поділилися: { $chosen } · відкрили за посиланням: { $starts } · нових користувачів за посиланням: { $referred }

## Push

# Меню команд: щоденна розсилка.
cmd-subscribe = Гороскоп щоранку
cmd-stop = Вимкнути ранковий гороскоп
# /help: що таке ранковий гороскоп і що для нього зберігається.
help-push =
    /subscribe — гороскоп щоранку в зручний час
    /stop — більше не надсилати ранковий гороскоп
    Для ранкового гороскопа я зберігаю ще його знак, час і часовий пояс (з геопозиції лишається тільки часовий пояс, де ви перебуваєте, не зберігається).
push-button = 🔔 Щоранку
push-step-sign =
    🔔 <b>Щоранку</b>{ $mode ->
        [new] { " · " }крок 1 з 3
       *[change] { "" }
    }
    Гороскоп якого знака надсилати?
push-step-time =
    🔔 <b>Щоранку</b>{ $mode ->
        [new] { " · " }крок 2 з 3
       *[change] { "" }
    }
    { $sign }: о котрій?
push-other-time = ⌨️ Інший час
push-type-time =
    ⌨️ Напишіть час у годинах і хвилинах, наприклад <b>07:30</b> або <b>19.45</b>.
push-bad-time =
    🤔 «{ $text }» не схоже на час. Напишіть години й хвилини, наприклад <b>07:30</b>, <b>7:30</b> або <b>19.45</b>.
push-step-zone =
    🔔 <b>Щоранку</b>{ $mode ->
        [new] { " · " }крок 3 з 3
       *[change] { "" }
    }
    { $sign } о { $time }. У якому ви часовому поясі?
    📍 Надішліть геопозицію, ⌨️ напишіть своє місто (наприклад, <i>Київ</i> або <i>Львів</i>) або виберіть нижче.
push-share-location = 📍 Надіслати геопозицію
push-location-ask = 📍 Натисніть «Надіслати мою геопозицію» внизу. Я збережу тільки часовий пояс, а не те, де ви перебуваєте.
push-send-location = 📍 Надіслати мою геопозицію
push-location-back = « Назад
push-location-done = 📍 Часовий пояс: { $zone }
push-location-failed = 🤷 Не вдалося визначити часовий пояс цього місця. Напишіть своє місто або виберіть пояс.
push-city-several = Міст «{ $text }» кілька. Яке ваше?
push-city-none = 🤷 Не знаю міста «{ $text }». Спробуйте велике місто поруч, назву англійською або надішліть геопозицію.
push-zone-unknown = Цього місця вже немає у списку. Виберіть, будь ласка, ще раз.
push-subscribed =
    ✅ { $sign } щодня о { $time } ({ $zone }).
    Наступний: { $next }.
push-next-today = сьогодні, { $date }
push-next-tomorrow = завтра, { $date }
push-back = « Назад
push-open-settings = ⚙️ Налаштування
push-settings-on = 🔔 Щоранку: { $sign } о { $time } ({ $zone })
push-settings-paused = ⏸ Щоранку: { $sign } о { $time } ({ $zone }), на паузі до { $date }
push-settings-paused-forever = ⏸ Щоранку: { $sign } о { $time } ({ $zone }), на паузі
push-settings-off = 🔕 Щоранку: вимкнено
push-change-sign = ✨ Знак для ранку
push-change-time = 🕖 Час
push-change-zone = 🌍 Часовий пояс
push-pause = ⏸ Пауза
push-resume = ▶️ Відновити
push-unsubscribe = 🔕 Відписатися
push-pause-ask = ⏸ На скільки призупинити ранковий гороскоп?
push-pause-days = { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    }
push-pause-forever = Доки не відновлю
push-saved = ✅ Збережено
push-paused = ⏸ Пауза до { $date }
push-paused-forever = ⏸ Пауза, доки не відновите
push-resumed = ▶️ Відновлено
push-unsubscribed = 🔕 Ви відписалися
push-stopped = 🔕 Готово: ранкових гороскопів більше не буде. /subscribe — щоб повернути.
push-not-subscribed = Ранковий гороскоп не підключено. /subscribe — і я надсилатиму його щодня.

## Push (operators)

# /status, після рядків про бота: щоденна розсилка. «Ще до надсилання»: до кінця сьогоднішнього дня в TIMEZONE.
status-push =
    🔔 <b>Щоденна розсилка</b>
    Підписники: активних { $active } · на паузі { $paused }
    Сьогодні: надіслано { $sent } · ще до надсилання { $due } · не доставлено { $failed }
    Заблокували бота: сьогодні { $blocked_today } · усього { $blocked_total }
    Наступна хвиля: { $next }
# Наступна хвиля: коли (у TIMEZONE) і скільки повідомлень припадає на цю хвилину.
status-push-wave = { $when } ({ $timezone }), до надсилання: { $count }
status-push-wave-none = не заплановано
# /stats: активні підписники зараз, учора й тиждень тому (на кінець дня; «—»: не пораховано).
stats-subscribers = 🔔 Підписники: { $today } · учора { $yesterday } · тиждень тому { $week }
# /stats, графік: заголовок панелі підписників під переглядами та її вісь.
chart-subscribers = { $days ->
        [one] Активні підписники за останній { $days } день
        [few] Активні підписники за останні { $days } дні
        [many] Активні підписники за останні { $days } днів
       *[other] Активні підписники за останні { $days } дня
    }
chart-subscribers-axis = Підписники

## Shares per day in the /stats chart
# The title of the panel of shares per day, and its two kinds of bars.
chart-shares = { $days ->
        [one] Поширені гороскопи по днях за останній { $days } день
        [few] Поширені гороскопи по днях за останні { $days } дні
        [many] Поширені гороскопи по днях за останні { $days } днів
       *[other] Поширені гороскопи по днях за останні { $days } дня
    }
chart-shares-chosen = Поширено (вибрано в інлайн-режимі)
chart-shares-referred = Нові користувачі за посиланням
