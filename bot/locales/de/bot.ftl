# Everything the bot says, in German. Project Fluent syntax: https://projectfluent.org/
# Every value is trusted Telegram HTML: escape < > & as &lt; &gt; &amp; when meant as text.
# Placeables ({ $name }) are filled in by the bot; anything coming from a user or the LLM is
# escaped before it gets here. Plural variants follow CLDR: one / other.
# The user is "du" (as in Telegram's German UI and services/languages/de.json); dashes are
# spaced en dashes (–), quotation marks „…“. Dates ({ $date }) read "1. Dezember 2026".
# A sign's name ({ $sign }) stays in the nominative after "das Zeichen" (Fische, Zwillinge).

## Everyone

greeting =
    Hallo, { $name }! ✨
    Ich schreibe jeden Tag ein neues Horoskop für alle zwölf Sternzeichen.
choose-sign = Wähle dein Sternzeichen:
help =
    <b>So funktioniert’s</b>
    Tippe auf dein Sternzeichen, und du bekommst das Horoskop für heute. Um Mitternacht ({ $tz }) beginnt ein neuer Tag: Ab dann zeigt jedes Zeichen das Horoskop für den neuen Tag.

    /horoscope – Sternzeichen wählen
    /help – diese Hilfe
preparing = ⏳ Ich schreibe das Horoskop für das Zeichen { $sign }… Das dauert ein paar Sekunden.
apology = 😔 Das Horoskop für das Zeichen { $sign } konnte ich gerade nicht schreiben. Die Sterne sind etwas beschäftigt – versuch es gleich noch einmal.
cold-busy = 😅 Ich schreibe gerade sehr viele Horoskope auf einmal. Frag in einer Minute noch einmal nach dem Zeichen { $sign }.
cold-stopped = 🔧 Der Bot startet gerade neu, und das Horoskop für das Zeichen { $sign } ist noch nicht fertig. Versuch es in einer Minute noch einmal.
too-fast = 🐢 Nicht so schnell! Warte bitte eine Sekunde.
try-again = 🔄 Noch einmal versuchen
all-signs = « Alle Sternzeichen
unknown-input = Ich verstehe Buttons und Befehle. Wähle dein Sternzeichen:
stale-button = Dieser Button ist veraltet – hier ist ein neues Menü.
something-went-wrong = Da ist etwas schiefgelaufen. Versuch es in einer Minute noch einmal.

## The command menu

cmd-start = Starten
cmd-horoscope = Horoskop für heute
cmd-help = Hilfe
cmd-regen = Horoskope neu erstellen (Admin)
cmd-stats = Diagramm der Aufrufe (Admin)
cmd-status = Bot-Status (Admin)

## Admins

admin-only = Dieser Befehl ist nur für Admins.
admin-private-only = Admin-Befehle funktionieren nur im privaten Chat mit dem Bot.
regen-unknown-sign = Unbekanntes Sternzeichen: { $sign }. Zum Beispiel: /regen leo oder /regen Löwe
regen-progress =
    🔄 Neuerstellung für den { $date }: { $done }/{ $count }
    { $signs }
regen-done = ✅ Fertig in { $seconds } s: { $generated } von { $count } neu erstellt.
regen-failed-line = ❌ Fehlgeschlagen: { $signs }
regen-busy = ⏳ Es läuft bereits eine Neuerstellung: { $done }/{ $count }, gestartet vor { $seconds } s. Bitte warte, bis sie fertig ist.

stats-title = 📊 <b>Aufrufe am { $date }</b>
stats-title-period = 📊 <b>Aufrufe { $days ->
        [one] des letzten Tages
       *[other] der letzten { $days } Tage
    }</b> (bis zum { $date })
stats-current-day = Heute: <b>{ $total }</b> { $total ->
        [one] Aufruf
       *[other] Aufrufe
    } ({ $change } gegenüber gestern)
stats-current-period = { $days ->
        [one] Letzter Tag
       *[other] Letzte { $days } Tage
    }: <b>{ $total }</b> { $total ->
        [one] Aufruf
       *[other] Aufrufe
    } ({ $change } gegenüber { $days ->
        [one] dem Tag
       *[other] den { $days } Tagen
    } davor)
stats-totals = Heute { $today } · 7 Tage { $week } · 30 Tage { $month }
stats-extremes = Am meisten gelesen: { $most } ({ $most_views }) · am wenigsten: { $least } ({ $least_views })
stats-empty = Bisher hat noch niemand ein Horoskop gelesen. Schau später wieder vorbei!
stats-empty-period = Keine Aufrufe in diesem Zeitraum. Versuch es mit /stats 30.
stats-usage = So geht’s: /stats (heute), /stats 7 oder /stats 30.
stats-button-today = Heute
stats-button-days = { $days } { $days ->
        [one] Tag
       *[other] Tage
    }

chart-title-day = Aufrufe am { $date }
chart-title-period = Aufrufe { $days ->
        [one] des letzten Tages
       *[other] der letzten { $days } Tage
    } (bis zum { $date })
chart-today = Heute
chart-week-average = Tagesdurchschnitt der 7 Tage davor
chart-last-days = { $days ->
        [one] Letzter Tag
       *[other] Letzte { $days } Tage
    }
chart-previous-days = { $days ->
        [one] Tag davor
       *[other] { $days } Tage davor
    }
chart-axis = Aufrufe

status =
    ℹ️ <b>Bot-Status</b>
    Generator: { $llm }
    Horoskope für den { $date }: { $stored }/{ $count }
    Letzter Lauf: { $last }
    Nächster Lauf: { $next }
    Noch nicht gespeicherte Aufrufe: { $pending }
    Datenbank: { $database }
    Version: { $version }
status-offline = Offline-Generator
status-llm = LLM { $model } ({ $host })
status-never = seit dem Start noch keiner
status-last-run = { $when } – { $stored }/{ $count } in { $seconds } s
status-failed = , fehlgeschlagen: { $signs }
status-next-none = nicht geplant

## Alerts to admins

alert-job-done = 🌙 Horoskope für den { $date }: { $stored }/{ $count } in { $seconds } s
alert-missing =
    ⚠️ Auch nach allen Versuchen fehlen noch:
    { $lines }
alert-llm-fatal =
    🚨 Das LLM verweigert den Dienst: { $reason }
    Sternzeichen: { $signs }. Prüfe OPENAI_API_KEY, das Kontingent und OPENAI_MODEL.

## Why a generation failed (a provider's own message may follow, cut and cleaned)

failure-reason = { $reason } ({ $detail })
reason-auth = der API-Schlüssel wurde nicht akzeptiert
reason-quota = das Kontingent ist aufgebraucht
reason-model = das Modell wurde nicht gefunden
reason-rate-limit = zu viele Anfragen
reason-timeout = das LLM hat nicht rechtzeitig geantwortet
reason-connection = das LLM ist nicht erreichbar
reason-server = beim LLM ist ein Fehler aufgetreten
reason-bad-text = das LLM hat einen unbrauchbaren Text geliefert
reason-unknown = ein unbekannter Fehler

## Surfaces

# The command menu, more of it (the menu's order: start, horoscope, language, settings, help, forget).
cmd-language = Sprache
cmd-settings = Einstellungen
cmd-forget = Meine Daten löschen
# Plain text, not HTML. Shown in an empty chat ("What can this bot do?"); at most 512 characters.
bot-description = Dein Horoskop für heute, für jedes Sternzeichen. Tippe auf dein Zeichen, und es erscheint sofort; jede Nacht um Mitternacht schreibe ich ein neues. Ich spreche deine Sprache – ändern kannst du sie mit /language. Ich speichere nur deine Sprache und das Sternzeichen, das du zuletzt gewählt hast, und /forget löscht beides.
# Plain text, on the bot's profile and in link previews; at most 120 characters.
bot-short-description = Dein Horoskop für heute mit einem Fingertipp – für jedes Sternzeichen, jeden Tag neu.
# /stats: the users (the count words take plural forms; "Nutzer" is both).
stats-users = 👥 { $total } { $total ->
        [one] Nutzer
       *[other] Nutzer
    } · heute neu: { $new }
stats-users-active = Aktiv: { $week } in 7 Tagen · { $month } in 30 Tagen

## Users

your-sign = { $emoji } { $sign } – Horoskop für heute
choose-language = Wähle die Sprache, in der ich mit dir spreche:
language-chosen = ✅ Sprache eingestellt: { $language }.
settings-title = ⚙️ <b>Einstellungen</b>
settings-language = Sprache: { $language }
settings-language-auto = { $language } (wie deine Telegram-App)
settings-sign = Sternzeichen: { $sign }
settings-no-sign = noch nicht gewählt
settings-change-language = 🌐 Sprache ändern
settings-change-sign = ✨ Sternzeichen ändern
help-users =
    /language – die Sprache, in der ich spreche
    /settings – deine Sprache und dein Sternzeichen
    /forget – deine Daten löschen

    <b>Was ich über dich speichere und warum</b>
    Deine Telegram-ID (um dich wiederzuerkennen), die Sprache, die du gewählt hast, und die deiner Telegram-App (um sie zu sprechen), das Sternzeichen, auf das du zuletzt getippt hast (um es dir zuerst anzubieten), und die Tage, an denen du den Bot zum ersten und zum letzten Mal genutzt hast (für die Nutzungsstatistik). Sonst nichts: keinen Namen, keine Nachrichten.
    /forget löscht all das auf einmal. Danach bleibt nur deine bloße ID noch 24 Stunden gespeichert, damit kein noch ausstehender Schreibvorgang deine Daten zurückbringt.
forget-confirm =
    🗑 <b>Deine Daten löschen?</b>
    Ich lösche alles, was ich über dich speichere: deine Sprache, dein Sternzeichen und die Tage, an denen du den Bot genutzt hast. Das lässt sich nicht rückgängig machen.
forget-yes = 🗑 Ja, löschen
forget-cancel = Abbrechen
forget-done = ✅ Erledigt: Ich habe alles gelöscht, was ich über dich gespeichert hatte. Wenn du wieder /start schickst, fange ich ganz von vorn an.
forget-cancelled = Es wurde nichts gelöscht.

## Share

share-button = 📤 Teilen
share-open-bot = ✨ Zodiac öffnen
share-preparing-title = ⏳ { $sign }: Das Horoskop wird gerade geschrieben
share-preparing-description = Versuch es gleich noch einmal.
share-preparing-message = ⏳ Das heutige Horoskop für { $sign } wird gerade noch geschrieben. Öffne Zodiac, um es gleich zu lesen.
stats-shares = 📤 Geteilt: { $chosen } · über einen Link geöffnet: { $starts } · neue Nutzer über einen Link: { $referred }

## Push

# Das Befehlsmenü: der tägliche Versand.
cmd-subscribe = Horoskop jeden Morgen
cmd-stop = Morgenhoroskop abbestellen
# /help: was das Morgenhoroskop ist und was dafür gespeichert wird.
help-push =
    /subscribe — dein Horoskop jeden Morgen, zu deiner Uhrzeit
    /stop — keine Morgenhoroskope mehr
    Für das Morgenhoroskop speichere ich außerdem sein Sternzeichen, die Uhrzeit und die Zeitzone (von einem geteilten Standort bleibt nur die Zeitzone; wo du bist, wird nicht gespeichert).
push-button = 🔔 Jeden Morgen
push-step-sign =
    🔔 <b>Jeden Morgen</b>{ $mode ->
        [new] { " · " }Schritt 1 von 3
       *[change] { "" }
    }
    Das Horoskop welches Sternzeichens soll ich dir schicken?
push-step-time =
    🔔 <b>Jeden Morgen</b>{ $mode ->
        [new] { " · " }Schritt 2 von 3
       *[change] { "" }
    }
    { $sign }: um wie viel Uhr?
push-other-time = ⌨️ Andere Uhrzeit
push-type-time =
    ⌨️ Schreib die Uhrzeit in Stunden und Minuten, zum Beispiel <b>07:30</b> oder <b>19.45</b>.
push-bad-time =
    🤔 „{ $text }“ verstehe ich nicht als Uhrzeit. Schreib Stunden und Minuten, zum Beispiel <b>07:30</b>, <b>7:30</b> oder <b>19.45</b>.
push-step-zone =
    🔔 <b>Jeden Morgen</b>{ $mode ->
        [new] { " · " }Schritt 3 von 3
       *[change] { "" }
    }
    { $sign } um { $time }. In welcher Zeitzone bist du?
    📍 Teile deinen Standort, ⌨️ schreib deine Stadt (zum Beispiel <i>Berlin</i> oder <i>München</i>) oder wähle unten.
push-share-location = 📍 Standort teilen
push-location-ask = 📍 Tippe unten auf „Meinen Standort senden“. Ich speichere nur deine Zeitzone, nie, wo du bist.
push-send-location = 📍 Meinen Standort senden
push-location-back = « Zurück
push-location-done = 📍 Zeitzone: { $zone }
push-location-failed = 🤷 Die Zeitzone dieses Ortes konnte ich nicht bestimmen. Schreib deine Stadt oder wähle eine Zeitzone.
push-city-several = Es gibt mehrere Orte namens „{ $text }“. Welcher ist deiner?
push-city-none = 🤷 Eine Stadt namens „{ $text }“ kenne ich nicht. Versuch eine größere Stadt in der Nähe, den englischen Namen oder teile deinen Standort.
push-zone-unknown = Dieser Ort steht nicht mehr in der Liste. Bitte wähle noch einmal.
push-subscribed =
    ✅ { $sign } jeden Tag um { $time } ({ $zone }).
    Nächstes: { $next }.
push-next-today = heute, { $date }
push-next-tomorrow = morgen, { $date }
push-back = « Zurück
push-open-settings = ⚙️ Einstellungen
push-settings-on = 🔔 Jeden Morgen: { $sign } um { $time } ({ $zone })
push-settings-paused = ⏸ Jeden Morgen: { $sign } um { $time } ({ $zone }), pausiert bis { $date }
push-settings-paused-forever = ⏸ Jeden Morgen: { $sign } um { $time } ({ $zone }), pausiert
push-settings-off = 🔕 Jeden Morgen: aus
push-change-sign = ✨ Sternzeichen am Morgen
push-change-time = 🕖 Uhrzeit
push-change-zone = 🌍 Zeitzone
push-pause = ⏸ Pausieren
push-resume = ▶️ Fortsetzen
push-unsubscribe = 🔕 Abbestellen
push-pause-ask = ⏸ Wie lange soll das Morgenhoroskop pausieren?
push-pause-days = { $days } { $days ->
        [one] Tag
       *[other] Tage
    }
push-pause-forever = Bis ich fortsetze
push-saved = ✅ Gespeichert
push-paused = ⏸ Pausiert bis { $date }
push-paused-forever = ⏸ Pausiert, bis du fortsetzt
push-resumed = ▶️ Fortgesetzt
push-unsubscribed = 🔕 Abbestellt
push-stopped = 🔕 Erledigt: keine Morgenhoroskope mehr. Mit /subscribe kommen sie wieder.
push-not-subscribed = Du hast kein Morgenhoroskop. Mit /subscribe schicke ich es dir jeden Tag.

## Push (operators)

# /status, nach den Zeilen zum Bot: der tägliche Versand. „Noch offen“: vor Ende des heutigen Tages in TIMEZONE zu senden.
status-push =
    🔔 <b>Täglicher Versand</b>
    Abonnenten: { $active } aktiv · { $paused } pausiert
    Heute: { $sent } gesendet · { $due } noch offen · { $failed } fehlgeschlagen
    Bot blockiert: heute { $blocked_today } · insgesamt { $blocked_total }
    Nächste Welle: { $next }
# Die nächste Welle: wann (in TIMEZONE) und wie viele Nachrichten in dieser Minute fällig sind.
status-push-wave = { $when } ({ $timezone }), fällig: { $count }
status-push-wave-none = keine geplant
# /stats: aktive Abonnenten jetzt, gestern und vor 7 Tagen (zum Tagesende gezählt; „—“: nicht gezählt).
stats-subscribers = 🔔 Abonnenten: { $today } · gestern { $yesterday } · vor 7 Tagen { $week }
# /stats, Diagramm: der Titel des Abonnenten-Bereichs unter den Aufrufen und seine Achse.
chart-subscribers = Aktive Abonnenten, { $days ->
        [one] letzter Tag
       *[other] letzte { $days } Tage
    }
chart-subscribers-axis = Abonnenten

## Shares per day in the /stats chart
# The title of the panel of shares per day, and its two kinds of bars.
chart-shares = Geteilte Horoskope pro Tag, { $days ->
        [one] letzter Tag
       *[other] letzte { $days } Tage
    }
chart-shares-chosen = Geteilt (gewählte Inline-Ergebnisse)
chart-shares-referred = Neue Nutzer über einen geteilten Link
