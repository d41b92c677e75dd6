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
