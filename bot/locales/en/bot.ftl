# Everything the bot says, in English. Project Fluent syntax: https://projectfluent.org/
# Every value is trusted Telegram HTML: escape < > & as &lt; &gt; &amp; when meant as text.
# Placeables ({ $name }) are filled in by the bot; anything coming from a user or the LLM is
# escaped before it gets here. Plural variants follow CLDR: one / other.

## Everyone

greeting =
    Hi, { $name }! ✨
    Every day I write a fresh horoscope for all twelve signs.
choose-sign = Choose your zodiac sign:
help =
    <b>How it works</b>
    Tap your sign to get today's horoscope. A new day starts at midnight ({ $tz }): from then on every sign shows the new day's horoscope.

    /horoscope — choose a sign
    /help — this help
preparing = ⏳ Writing the horoscope for { $sign }… This takes a few seconds.
apology = 😔 I couldn't write the horoscope for { $sign } right now. The stars are a little busy — please try again in a moment.
cold-busy = 😅 I'm writing a lot of horoscopes at once. Please try { $sign } again in a minute.
cold-stopped = 🔧 The bot is restarting and the horoscope for { $sign } isn't ready yet. Please try again in a minute.
too-fast = 🐢 Not so fast! Please wait a second.
try-again = 🔄 Try again
all-signs = « All signs
unknown-input = I understand buttons and commands. Choose your zodiac sign:
stale-button = This button is out of date — here is a fresh menu.
something-went-wrong = Something went wrong. Please try again in a minute.

## The command menu

cmd-start = Start
cmd-horoscope = Today's horoscope
cmd-help = Help
cmd-regen = Regenerate horoscopes (admin)
cmd-stats = Views chart (admin)
cmd-status = Bot status (admin)

## Admins

admin-only = This command is for administrators only.
admin-private-only = Admin commands work only in your private chat with the bot.
regen-unknown-sign = Unknown sign: { $sign }. For example: /regen leo
regen-progress =
    🔄 Regenerating for { $date }: { $done }/{ $count }
    { $signs }
regen-done = ✅ Done in { $seconds } s: { $generated } of { $count } regenerated.
regen-failed-line = ❌ Failed: { $signs }
regen-busy = ⏳ A regeneration is already running: { $done }/{ $count }, started { $seconds } s ago. Please wait for it to finish.

stats-title = 📊 <b>Views on { $date }</b>
stats-title-period = 📊 <b>Views, last { $days } { $days ->
        [one] day
       *[other] days
    }</b> (to { $date })
stats-current-day = Today: <b>{ $total }</b> { $total ->
        [one] view
       *[other] views
    } ({ $change } vs yesterday)
stats-current-period = Last { $days } { $days ->
        [one] day
       *[other] days
    }: <b>{ $total }</b> { $total ->
        [one] view
       *[other] views
    } ({ $change } vs the { $days } { $days ->
        [one] day
       *[other] days
    } before)
stats-totals = Today { $today } · 7 days { $week } · 30 days { $month }
stats-extremes = Most read: { $most } ({ $most_views }) · least read: { $least } ({ $least_views })
stats-empty = Nobody has read a horoscope yet. Check back later!
stats-empty-period = No views in this period. Try /stats 30.
stats-usage = Usage: /stats (today), /stats 7 or /stats 30.
stats-button-today = Today
stats-button-days = { $days } { $days ->
        [one] day
       *[other] days
    }

chart-title-day = Views on { $date }
chart-title-period = Views, last { $days } { $days ->
        [one] day
       *[other] days
    } (to { $date })
chart-today = Today
chart-week-average = Daily average, previous 7 days
chart-last-days = Last { $days } { $days ->
        [one] day
       *[other] days
    }
chart-previous-days = Previous { $days } { $days ->
        [one] day
       *[other] days
    }
chart-axis = Views

status =
    ℹ️ <b>Bot status</b>
    Writer: { $llm }
    Horoscopes for { $date }: { $stored }/{ $count }
    Last job: { $last }
    Next job: { $next }
    Views not yet written: { $pending }
    Database: { $database }
    Version: { $version }
status-offline = offline generator
status-llm = LLM { $model } ({ $host })
status-never = none since start
status-last-run = { $when } — { $stored }/{ $count } in { $seconds } s
status-failed = , failed: { $signs }
status-next-none = not scheduled

## Alerts to admins

alert-job-done = 🌙 Horoscopes for { $date }: { $stored }/{ $count } in { $seconds } s
alert-missing =
    ⚠️ Still missing after all retries:
    { $lines }
alert-llm-fatal =
    🚨 The LLM refuses: { $reason }
    Signs: { $signs }. Check OPENAI_API_KEY, the quota and OPENAI_MODEL.

## Why a generation failed (a provider's own message may follow, cut and cleaned)

failure-reason = { $reason } ({ $detail })
reason-auth = the API key was not accepted
reason-quota = the quota is exhausted
reason-model = the model was not found
reason-rate-limit = too many requests
reason-timeout = the LLM did not answer in time
reason-connection = the LLM cannot be reached
reason-server = the LLM failed on its side
reason-bad-text = the LLM sent an unusable text
reason-unknown = an unknown error

## Surfaces

# The command menu, more of it (the menu's order: start, horoscope, language, settings, help, forget).
cmd-language = Language
cmd-settings = Settings
cmd-forget = Delete my data
# Plain text, not HTML. Shown in an empty chat ("What can this bot do?"); at most 512 characters.
bot-description = Your horoscope for today, for every zodiac sign. Tap your sign and it appears at once; a fresh one is written every night at midnight. I speak your language: change it with /language. I keep only your language and the last sign you chose, and /forget erases them.
# Plain text, on the bot's profile and in link previews; at most 120 characters.
bot-short-description = Today's horoscope for your zodiac sign in one tap, fresh every day.
# /stats: the users (the count words take plural forms).
stats-users = 👥 { $total } { $total ->
        [one] user
       *[other] users
    } · { $new } new today
stats-users-active = Active: { $week } in 7 days · { $month } in 30 days

## Users

your-sign = { $emoji } { $sign } — today's horoscope
choose-language = Choose the language I speak with you:
language-chosen = ✅ Language set: { $language }.
settings-title = ⚙️ <b>Settings</b>
settings-language = Language: { $language }
settings-language-auto = { $language } (as your Telegram app)
settings-sign = Sign: { $sign }
settings-no-sign = not chosen yet
settings-change-language = 🌐 Change language
settings-change-sign = ✨ Change sign
help-users =
    /language — the language I speak
    /settings — your language and sign
    /forget — delete your data

    <b>What I store about you, and why</b>
    Your Telegram id (to know it is you), the language you chose and the one your Telegram app is in (to speak it), the sign you tapped last (to offer it first), and the dates you first and last used the bot (for usage statistics). Nothing else: no name, no messages.
    /forget deletes all of it at once. Only your bare id is then kept for 24 hours, to make sure no pending write brings your data back.
forget-confirm =
    🗑 <b>Delete your data?</b>
    I will delete everything I store about you: your language, your sign and the dates you used the bot. This cannot be undone.
forget-yes = 🗑 Yes, delete
forget-cancel = Cancel
forget-done = ✅ Done: I deleted everything I stored about you. If you send /start again, I will start from scratch.
forget-cancelled = Nothing was deleted.

## Share

share-button = 📤 Share
share-open-bot = ✨ Open Zodiac
share-preparing-title = ⏳ { $sign }: the horoscope is being written
share-preparing-description = Try again in a moment.
share-preparing-message = ⏳ Today's horoscope for { $sign } is still being written. Open Zodiac to read it in a moment.
stats-shares = 📤 Shared: { $chosen } · opened through a link: { $starts } · new users through a link: { $referred }

## Push

# The command menu: the daily push.
cmd-subscribe = Horoscope every morning
cmd-stop = Stop the morning horoscope
# /help: what the daily push is and what it stores.
help-push =
    /subscribe — your horoscope every morning, at your time
    /stop — no more morning horoscopes
    For the morning horoscope I also keep its sign, time and time zone (a shared location gives only the time zone; where you are is not stored).
push-button = 🔔 Every morning
push-step-sign =
    🔔 <b>Every morning</b>{ $mode ->
        [new] { " · " }step 1 of 3
       *[change] { "" }
    }
    Which sign's horoscope shall I send you?
push-step-time =
    🔔 <b>Every morning</b>{ $mode ->
        [new] { " · " }step 2 of 3
       *[change] { "" }
    }
    { $sign }: at what time?
push-other-time = ⌨️ Another time
push-type-time =
    ⌨️ Type the time as hours and minutes, for example <b>07:30</b> or <b>19.45</b>.
push-bad-time =
    🤔 “{ $text }” isn't a time I understand. Type hours and minutes, for example <b>07:30</b>, <b>7:30</b> or <b>19.45</b>.
push-step-zone =
    🔔 <b>Every morning</b>{ $mode ->
        [new] { " · " }step 3 of 3
       *[change] { "" }
    }
    { $sign } at { $time }. Which time zone are you in?
    📍 Share your location, ⌨️ type your city (for example <i>London</i> or <i>New York</i>), or choose below.
push-share-location = 📍 Share my location
push-location-ask = 📍 Tap “Send my location” below. I keep only your time zone, never where you are.
push-send-location = 📍 Send my location
push-location-back = « Back
push-location-done = 📍 Time zone: { $zone }
push-location-failed = 🤷 I couldn't tell the time zone of that place. Type your city or choose a zone.
push-city-several = Several places are called “{ $text }”. Which one is yours?
push-city-none = 🤷 I don't know a city called “{ $text }”. Try a bigger city nearby, its English name, or share your location.
push-zone-unknown = This place is no longer on the list. Please choose again.
push-subscribed =
    ✅ { $sign } every day at { $time } ({ $zone }).
    Next: { $next }.
push-next-today = today, { $date }
push-next-tomorrow = tomorrow, { $date }
push-back = « Back
push-open-settings = ⚙️ Settings
push-settings-on = 🔔 Every morning: { $sign } at { $time } ({ $zone })
push-settings-paused = ⏸ Every morning: { $sign } at { $time } ({ $zone }), paused until { $date }
push-settings-paused-forever = ⏸ Every morning: { $sign } at { $time } ({ $zone }), paused
push-settings-off = 🔕 Every morning: off
push-change-sign = ✨ Morning sign
push-change-time = 🕖 Time
push-change-zone = 🌍 Time zone
push-pause = ⏸ Pause
push-resume = ▶️ Resume
push-unsubscribe = 🔕 Unsubscribe
push-pause-ask = ⏸ Pause the morning horoscope for how long?
push-pause-days = { $days } { $days ->
        [one] day
       *[other] days
    }
push-pause-forever = Until I resume
push-saved = ✅ Saved
push-paused = ⏸ Paused until { $date }
push-paused-forever = ⏸ Paused until you resume
push-resumed = ▶️ Resumed
push-unsubscribed = 🔕 Unsubscribed
push-stopped = 🔕 Done: no more morning horoscopes. /subscribe brings them back.
push-not-subscribed = You have no morning horoscope. /subscribe, and I'll send it every day.

## Push (operators)

# /status, after the bot's lines: the daily push. "Still due": to be sent before today's end in TIMEZONE.
status-push =
    🔔 <b>Daily push</b>
    Subscribers: { $active } active · { $paused } paused
    Today: { $sent } sent · { $due } still due · { $failed } failed
    Blocked today: { $blocked_today } · blocked in all: { $blocked_total }
    Next wave: { $next }
# The next wave: when (in TIMEZONE) and how many are due in that minute.
status-push-wave = { $when } ({ $timezone }), { $count } due
status-push-wave-none = none scheduled
# /stats: active subscribers now, yesterday and 7 days ago (as counted at the day's end; "—": not counted).
stats-subscribers = 🔔 Subscribers: { $today } · yesterday { $yesterday } · 7 days ago { $week }
# /stats chart: the title of the subscribers panel under the views, and its axis.
chart-subscribers = Active subscribers, last { $days } { $days ->
        [one] day
       *[other] days
    }
chart-subscribers-axis = Subscribers

## Shares per day in the /stats chart
# The title of the panel of shares per day, and its two kinds of bars.
chart-shares = Shared horoscopes per day, { $days ->
        [one] last day
       *[other] last { $days } days
    }
chart-shares-chosen = Shared (inline results chosen)
chart-shares-referred = New users through a shared link
