# Everything the bot says, in Russian. Project Fluent syntax: https://projectfluent.org/
# Every value is trusted Telegram HTML: escape < > & as &lt; &gt; &amp; when meant as text.
# Placeables ({ $name }) are filled in by the bot; anything coming from a user or the LLM is
# escaped before it gets here. Plural variants follow CLDR: one / few / many / other.

## Everyone

greeting =
    Привет, { $name }! ✨
    Я каждый день составляю свежий гороскоп для всех двенадцати знаков.
choose-sign = Выберите свой знак зодиака:
help =
    <b>Как пользоваться</b>
    Нажмите на свой знак — и получите гороскоп на сегодня. Новый день начинается в полночь ({ $tz }): с этого момента каждый знак показывает гороскоп на новый день.

    /horoscope — выбрать знак
    /help — эта подсказка
preparing = ⏳ Составляю гороскоп для знака { $sign }… Это займёт несколько секунд.
apology = 😔 Не получилось составить гороскоп для знака { $sign }. Звёзды немного заняты — попробуйте ещё раз чуть позже.
cold-busy = 😅 Сейчас я пишу очень много гороскопов сразу. Попробуйте знак { $sign } ещё раз через минуту.
cold-stopped = 🔧 Бот перезапускается, а гороскоп для знака { $sign } ещё не готов. Попробуйте ещё раз через минуту.
too-fast = 🐢 Не так быстро! Подождите секунду.
try-again = 🔄 Попробовать ещё раз
all-signs = « Все знаки
unknown-input = Я понимаю кнопки и команды. Выберите свой знак зодиака:
stale-button = Эта кнопка устарела — вот свежее меню.
something-went-wrong = Что-то пошло не так. Попробуйте ещё раз через минуту.

## The command menu

cmd-start = Начать
cmd-horoscope = Гороскоп на сегодня
cmd-help = Помощь
cmd-regen = Перегенерировать гороскопы (админ)
cmd-stats = Просмотры: график (админ)
cmd-status = Состояние бота (админ)

## Admins

admin-only = Эта команда только для администраторов.
admin-private-only = Команды администратора работают только в личном чате с ботом.
regen-unknown-sign = Не знаю такого знака: { $sign }. Например: /regen leo или /regen Лев
regen-progress =
    🔄 Перегенерация на { $date }: { $done }/{ $count }
    { $signs }
regen-done = ✅ Готово за { $seconds } с: обновлено { $generated } из { $count }.
regen-failed-line = ❌ Не удалось: { $signs }
regen-busy = ⏳ Перегенерация уже идёт: { $done }/{ $count }, началась { $seconds } с назад. Дождитесь её окончания.

stats-title = 📊 <b>Просмотры за { $date }</b>
stats-title-period = 📊 <b>Просмотры за { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }</b> (по { $date })
stats-current-day = Сегодня: <b>{ $total }</b> { $total ->
        [one] просмотр
        [few] просмотра
        [many] просмотров
       *[other] просмотра
    } ({ $change } к вчера)
stats-current-period = За { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }: <b>{ $total }</b> { $total ->
        [one] просмотр
        [few] просмотра
        [many] просмотров
       *[other] просмотра
    } ({ $change } к предыдущему периоду)
stats-totals = Сегодня { $today } · 7 дн. { $week } · 30 дн. { $month }
stats-extremes = Чаще всего: { $most } ({ $most_views }) · реже всего: { $least } ({ $least_views })
stats-empty = Пока никто не смотрел гороскопы. Загляните позже!
stats-empty-period = За этот период просмотров нет. Попробуйте /stats 30.
stats-usage = Так: /stats (сегодня), /stats 7 или /stats 30.
stats-button-today = Сегодня
stats-button-days = { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }

chart-title-day = Просмотры за { $date }
chart-title-period = Просмотры за { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    } (по { $date })
chart-today = Сегодня
chart-week-average = В среднем за день, предыдущие 7 дней
chart-last-days = Последние { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }
chart-previous-days = Предыдущие { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }
chart-axis = Просмотры

status =
    ℹ️ <b>Состояние бота</b>
    Генератор: { $llm }
    Гороскопы на { $date }: { $stored }/{ $count }
    Последний запуск: { $last }
    Следующий запуск: { $next }
    Просмотры, ещё не записанные в базу: { $pending }
    База данных: { $database }
    Версия: { $version }
status-offline = офлайн-генератор
status-llm = LLM { $model } ({ $host })
status-never = с момента старта не было
status-last-run = { $when } — { $stored }/{ $count } за { $seconds } с
status-failed = , не удалось: { $signs }
status-next-none = не запланирован

## Alerts to admins

alert-job-done = 🌙 Гороскопы на { $date }: { $stored }/{ $count } за { $seconds } с
alert-missing =
    ⚠️ Не удалось написать гороскоп после всех попыток:
    { $lines }
alert-llm-fatal =
    🚨 LLM отказывает: { $reason }
    Знаки: { $signs }. Проверьте OPENAI_API_KEY, квоту и OPENAI_MODEL.

## Why a generation failed (a provider's own message may follow, cut and cleaned)

failure-reason = { $reason } ({ $detail })
reason-auth = ключ API не принят
reason-quota = квота исчерпана
reason-model = модель не найдена
reason-rate-limit = слишком много запросов
reason-timeout = LLM не ответил вовремя
reason-connection = LLM недоступен
reason-server = ошибка на стороне LLM
reason-bad-text = LLM прислал непригодный текст
reason-unknown = неизвестная ошибка

## Surfaces

# The command menu, more of it (the menu's order: start, horoscope, language, settings, help, forget).
cmd-language = Язык
cmd-settings = Настройки
cmd-forget = Удалить мои данные
# Plain text, not HTML. Shown in an empty chat ("What can this bot do?"); at most 512 characters.
bot-description = Гороскоп на сегодня для каждого знака зодиака. Нажмите на свой знак — и он появится сразу; новый гороскоп пишется каждую ночь в полночь. Я говорю на вашем языке, сменить его можно командой /language. Я храню только ваш язык и последний выбранный знак, а /forget удаляет и их.
# Plain text, on the bot's profile and in link previews; at most 120 characters.
bot-short-description = Гороскоп на сегодня для вашего знака в одно касание — свежий каждый день.
# /stats: the users (the count words take plural forms).
stats-users = 👥 { $total } { $total ->
        [one] пользователь
        [few] пользователя
        [many] пользователей
       *[other] пользователя
    } · новых сегодня: { $new }
stats-users-active = Активны: { $week } за 7 дн. · { $month } за 30 дн.

## Users

your-sign = { $emoji } { $sign } — гороскоп на сегодня
choose-language = Выберите, на каком языке мне с вами говорить:
language-chosen = ✅ Язык изменён: { $language }.
settings-title = ⚙️ <b>Настройки</b>
settings-language = Язык: { $language }
settings-language-auto = { $language } (как в вашем Telegram)
settings-sign = Знак: { $sign }
settings-no-sign = пока не выбран
settings-change-language = 🌐 Сменить язык
settings-change-sign = ✨ Сменить знак
help-users =
    /language — язык, на котором я говорю
    /settings — ваш язык и знак
    /forget — удалить ваши данные

    <b>Что я храню о вас и зачем</b>
    Ваш id в Telegram (чтобы узнать вас), выбранный вами язык и язык вашего приложения Telegram (чтобы говорить на нём), знак, который вы открывали последним (чтобы предложить его первым), и даты первого и последнего обращения к боту (для статистики). Больше ничего: ни имени, ни сообщений.
    /forget удаляет всё это сразу. После этого на 24 часа остаётся только сам id — чтобы запись, ещё не сохранённая, не вернула ваши данные.
forget-confirm =
    🗑 <b>Удалить ваши данные?</b>
    Я удалю всё, что храню о вас: язык, знак и даты обращений к боту. Отменить это нельзя.
forget-yes = 🗑 Да, удалить
forget-cancel = Отмена
forget-done = ✅ Готово: я удалил всё, что хранил о вас. Если снова отправите /start, я начну с чистого листа.
forget-cancelled = Ничего не удалено.

## Share

share-button = 📤 Поделиться
share-open-bot = ✨ Открыть Zodiac
share-preparing-title = ⏳ { $sign }: гороскоп ещё пишется
share-preparing-description = Попробуйте ещё раз через минуту.
share-preparing-message = ⏳ Гороскоп на сегодня для знака { $sign } ещё пишется. Откройте Zodiac, чтобы прочитать его чуть позже.
stats-shares = 📤 Поделились: { $chosen } · открыли по ссылке: { $starts } · новых пользователей по ссылке: { $referred }

## Push

# Меню команд: ежедневная рассылка.
cmd-subscribe = Гороскоп каждое утро
cmd-stop = Отключить утренний гороскоп
# /help: что такое утренний гороскоп и что для него хранится.
help-push =
    /subscribe — гороскоп каждое утро в удобное время
    /stop — больше не присылать утренний гороскоп
    Для утреннего гороскопа я храню ещё его знак, время и часовой пояс (от геопозиции остаётся только часовой пояс, где вы находитесь, не сохраняется).
push-button = 🔔 Каждое утро
push-step-sign =
    🔔 <b>Каждое утро</b>{ $mode ->
        [new] { " · " }шаг 1 из 3
       *[change] { "" }
    }
    Гороскоп какого знака присылать?
push-step-time =
    🔔 <b>Каждое утро</b>{ $mode ->
        [new] { " · " }шаг 2 из 3
       *[change] { "" }
    }
    { $sign }: во сколько?
push-other-time = ⌨️ Другое время
push-type-time =
    ⌨️ Напишите время в часах и минутах, например <b>07:30</b> или <b>19.45</b>.
push-bad-time =
    🤔 «{ $text }» не похоже на время. Напишите часы и минуты, например <b>07:30</b>, <b>7:30</b> или <b>19.45</b>.
push-step-zone =
    🔔 <b>Каждое утро</b>{ $mode ->
        [new] { " · " }шаг 3 из 3
       *[change] { "" }
    }
    { $sign } в { $time }. В каком вы часовом поясе?
    📍 Отправьте геопозицию, ⌨️ напишите свой город (например, <i>Москва</i> или <i>Новосибирск</i>) или выберите ниже.
push-share-location = 📍 Отправить геопозицию
push-location-ask = 📍 Нажмите «Отправить мою геопозицию» внизу. Я сохраню только часовой пояс, но не то, где вы находитесь.
push-send-location = 📍 Отправить мою геопозицию
push-location-back = « Назад
push-location-done = 📍 Часовой пояс: { $zone }
push-location-failed = 🤷 Не получилось определить часовой пояс этого места. Напишите свой город или выберите пояс.
push-city-several = Городов «{ $text }» несколько. Какой ваш?
push-city-none = 🤷 Не знаю города «{ $text }». Попробуйте крупный город рядом, название по-английски или отправьте геопозицию.
push-zone-unknown = Этого места больше нет в списке. Выберите, пожалуйста, ещё раз.
push-subscribed =
    ✅ { $sign } каждый день в { $time } ({ $zone }).
    Следующий: { $next }.
push-next-today = сегодня, { $date }
push-next-tomorrow = завтра, { $date }
push-back = « Назад
push-open-settings = ⚙️ Настройки
push-settings-on = 🔔 Каждое утро: { $sign } в { $time } ({ $zone })
push-settings-paused = ⏸ Каждое утро: { $sign } в { $time } ({ $zone }), на паузе до { $date }
push-settings-paused-forever = ⏸ Каждое утро: { $sign } в { $time } ({ $zone }), на паузе
push-settings-off = 🔕 Каждое утро: выключено
push-change-sign = ✨ Знак для утра
push-change-time = 🕖 Время
push-change-zone = 🌍 Часовой пояс
push-pause = ⏸ Пауза
push-resume = ▶️ Возобновить
push-unsubscribe = 🔕 Отписаться
push-pause-ask = ⏸ На сколько приостановить утренний гороскоп?
push-pause-days = { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }
push-pause-forever = Пока не возобновлю
push-saved = ✅ Сохранено
push-paused = ⏸ Пауза до { $date }
push-paused-forever = ⏸ Пауза, пока не возобновите
push-resumed = ▶️ Возобновлено
push-unsubscribed = 🔕 Вы отписались
push-stopped = 🔕 Готово: утренних гороскопов больше не будет. /subscribe — чтобы вернуть.
push-not-subscribed = Утренний гороскоп не подключён. /subscribe — и я буду присылать его каждый день.

## Push (operators)

# /status, после строк о боте: ежедневная рассылка. «Ещё к отправке»: до конца сегодняшнего дня в TIMEZONE.
status-push =
    🔔 <b>Ежедневная рассылка</b>
    Подписчики: активных { $active } · на паузе { $paused }
    Сегодня: отправлено { $sent } · ещё к отправке { $due } · не доставлено { $failed }
    Заблокировали бота: сегодня { $blocked_today } · всего { $blocked_total }
    Следующая волна: { $next }
# Следующая волна: когда (в TIMEZONE) и сколько сообщений приходится на эту минуту.
status-push-wave = { $when } ({ $timezone }), к отправке: { $count }
status-push-wave-none = не запланирована
# /stats: активные подписчики сейчас, вчера и неделю назад (на конец дня; «—»: не подсчитано).
stats-subscribers = 🔔 Подписчики: { $today } · вчера { $yesterday } · неделю назад { $week }
# /stats, график: заголовок панели подписчиков под просмотрами и её ось.
chart-subscribers = Активные подписчики за последние { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }
chart-subscribers-axis = Подписчики

## Shares per day in the /stats chart
# The title of the panel of shares per day, and its two kinds of bars.
chart-shares = Пересылки гороскопов по дням за последние { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }
chart-shares-chosen = Отправлено (выбрано в инлайн-режиме)
chart-shares-referred = Новые пользователи по ссылке
