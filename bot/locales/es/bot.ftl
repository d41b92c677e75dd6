# Everything the bot says, in Spanish. Project Fluent syntax: https://projectfluent.org/
# Every value is trusted Telegram HTML: escape < > & as &lt; &gt; &amp; when meant as text.
# Placeables ({ $name }) are filled in by the bot; anything coming from a user or the LLM is
# escaped before it gets here. Plural variants follow CLDR: one / other (CLDR's "many" only
# picks exact millions, 1 000 000; written in digits they take the "other" word, the default).
# The reader is "tú", as in the phrase bank (services/languages/es.json).

## Everyone

greeting =
    ¡Hola, { $name }! ✨
    Cada día escribo un horóscopo nuevo para los doce signos.
choose-sign = Elige tu signo del zodiaco:
help =
    <b>Cómo funciona</b>
    Toca tu signo y recibirás el horóscopo de hoy. Cada día empieza a medianoche ({ $tz }): a partir de entonces, cada signo muestra el horóscopo del nuevo día.

    /horoscope — elegir un signo
    /help — esta ayuda
preparing = ⏳ Escribiendo el horóscopo de { $sign }… Tardará unos segundos.
apology = 😔 Ahora mismo no puedo escribir el horóscopo de { $sign }. Las estrellas están un poco ocupadas: vuelve a intentarlo en un momento.
cold-busy = 😅 Estoy escribiendo muchísimos horóscopos a la vez. Vuelve a probar con { $sign } dentro de un minuto.
cold-stopped = 🔧 El bot se está reiniciando y el horóscopo de { $sign } aún no está listo. Vuelve a intentarlo dentro de un minuto.
too-fast = 🐢 ¡No tan rápido! Espera un segundo.
try-again = 🔄 Volver a intentarlo
all-signs = « Todos los signos
unknown-input = Entiendo botones y comandos. Elige tu signo del zodiaco:
stale-button = Este botón ya caducó: aquí tienes un menú nuevo.
something-went-wrong = Algo salió mal. Vuelve a intentarlo dentro de un minuto.

## The command menu

cmd-start = Empezar
cmd-horoscope = Horóscopo de hoy
cmd-help = Ayuda
cmd-regen = Regenerar horóscopos (admin)
cmd-stats = Gráfico de vistas (admin)
cmd-status = Estado del bot (admin)

## Admins

admin-only = Este comando es solo para administradores.
admin-private-only = Los comandos de administración solo funcionan en tu chat privado con el bot.
regen-unknown-sign = Signo desconocido: { $sign }. Por ejemplo: /regen leo o /regen Tauro
regen-progress =
    🔄 Regenerando para el { $date }: { $done }/{ $count }
    { $signs }
regen-done = ✅ Listo en { $seconds } s: { $generated } de { $count } regenerados.
regen-failed-line = ❌ Fallidos: { $signs }
regen-busy = ⏳ Ya hay una regeneración en curso: { $done }/{ $count }, empezó hace { $seconds } s. Espera a que termine.

stats-title = 📊 <b>Vistas del { $date }</b>
stats-title-period = 📊 <b>Vistas { $days ->
        [one] del último día
       *[other] de los últimos { $days } días
    }</b> (hasta el { $date })
stats-current-day = Hoy: <b>{ $total }</b> { $total ->
        [one] vista
       *[other] vistas
    } ({ $change } respecto a ayer)
stats-current-period = { $days ->
        [one] Último día
       *[other] Últimos { $days } días
    }: <b>{ $total }</b> { $total ->
        [one] vista
       *[other] vistas
    } ({ $change } respecto { $days ->
        [one] al día anterior
       *[other] a los { $days } días anteriores
    })
stats-totals = Hoy { $today } · 7 días { $week } · 30 días { $month }
stats-extremes = Más leído: { $most } ({ $most_views }) · menos leído: { $least } ({ $least_views })
stats-empty = Todavía nadie ha leído ningún horóscopo. ¡Vuelve más tarde!
stats-empty-period = No hay vistas en este periodo. Prueba con /stats 30.
stats-usage = Uso: /stats (hoy), /stats 7 o /stats 30.
stats-button-today = Hoy
stats-button-days = { $days } { $days ->
        [one] día
       *[other] días
    }

chart-title-day = Vistas del { $date }
chart-title-period = Vistas { $days ->
        [one] del último día
       *[other] de los últimos { $days } días
    } (hasta el { $date })
chart-today = Hoy
chart-week-average = Media diaria de los 7 días anteriores
chart-last-days = { $days ->
        [one] Último día
       *[other] Últimos { $days } días
    }
chart-previous-days = { $days ->
        [one] Día anterior
       *[other] { $days } días anteriores
    }
chart-axis = Vistas

status =
    ℹ️ <b>Estado del bot</b>
    Generador: { $llm }
    Horóscopos del { $date }: { $stored }/{ $count }
    Última tarea: { $last }
    Próxima tarea: { $next }
    Vistas aún sin guardar: { $pending }
    Base de datos: { $database }
    Versión: { $version }
status-offline = generador sin conexión
status-llm = LLM { $model } ({ $host })
status-never = ninguna desde el arranque
status-last-run = { $when } — { $stored }/{ $count } en { $seconds } s
status-failed = , fallidos: { $signs }
status-next-none = sin programar

## Alerts to admins

alert-job-done = 🌙 Horóscopos del { $date }: { $stored }/{ $count } en { $seconds } s
alert-missing =
    ⚠️ Siguen faltando después de todos los reintentos:
    { $lines }
alert-llm-fatal =
    🚨 El LLM se niega: { $reason }
    Signos: { $signs }. Revisa OPENAI_API_KEY, la cuota y OPENAI_MODEL.

## Why a generation failed (a provider's own message may follow, cut and cleaned)

failure-reason = { $reason } ({ $detail })
reason-auth = no se aceptó la clave de la API
reason-quota = se agotó la cuota
reason-model = no se encontró el modelo
reason-rate-limit = demasiadas solicitudes
reason-timeout = el LLM no respondió a tiempo
reason-connection = no se puede conectar con el LLM
reason-server = el LLM falló por su lado
reason-bad-text = el LLM envió un texto inservible
reason-unknown = un error desconocido

## Surfaces

# The command menu, more of it (the menu's order: start, horoscope, language, settings, help, forget).
cmd-language = Idioma
cmd-settings = Ajustes
cmd-forget = Borrar mis datos
# Plain text, not HTML. Shown in an empty chat ("What can this bot do?"); at most 512 characters.
bot-description = Tu horóscopo de hoy, para cada signo del zodiaco. Toca tu signo y aparece al instante; cada noche, a medianoche, escribo uno nuevo. Hablo tu idioma: puedes cambiarlo con /language. Solo guardo tu idioma y el último signo que elegiste, y /forget los borra.
# Plain text, on the bot's profile and in link previews; at most 120 characters.
bot-short-description = El horóscopo de hoy para tu signo en un solo toque, nuevo cada día.
# /stats: the users (the count words take plural forms).
stats-users = 👥 { $total } { $total ->
        [one] usuario
       *[other] usuarios
    } · nuevos hoy: { $new }
stats-users-active = Activos: { $week } en 7 días · { $month } en 30 días

## Users

your-sign = { $emoji } { $sign } — horóscopo de hoy
choose-language = Elige en qué idioma quieres que te hable:
language-chosen = ✅ Idioma cambiado: { $language }.
settings-title = ⚙️ <b>Ajustes</b>
settings-language = Idioma: { $language }
settings-language-auto = { $language } (el de tu Telegram)
settings-sign = Signo: { $sign }
settings-no-sign = aún sin elegir
settings-change-language = 🌐 Cambiar idioma
settings-change-sign = ✨ Cambiar signo
help-users =
    /language — el idioma en que te hablo
    /settings — tu idioma y tu signo
    /forget — borrar tus datos

    <b>Qué guardo sobre ti y para qué</b>
    Tu id de Telegram (para saber que eres tú), el idioma que elegiste y el de tu aplicación de Telegram (para hablarte en él), el último signo que tocaste (para ofrecértelo primero) y las fechas en que usaste el bot por primera y por última vez (para las estadísticas de uso). Nada más: ni tu nombre ni tus mensajes.
    /forget lo borra todo de una vez. Después solo conservo tu id, sin nada más, durante 24 horas, para que ninguna escritura pendiente devuelva tus datos.
forget-confirm =
    🗑 <b>¿Borrar tus datos?</b>
    Borraré todo lo que guardo sobre ti: tu idioma, tu signo y las fechas en que usaste el bot. No se puede deshacer.
forget-yes = 🗑 Sí, borrar
forget-cancel = Cancelar
forget-done = ✅ Listo: borré todo lo que guardaba sobre ti. Si vuelves a enviar /start, empezaré de cero.
forget-cancelled = No se borró nada.

## Share

share-button = 📤 Compartir
share-open-bot = ✨ Abrir Zodiac
share-preparing-title = ⏳ { $sign }: el horóscopo se está escribiendo
share-preparing-description = Vuelve a intentarlo en un momento.
share-preparing-message = ⏳ El horóscopo de hoy para { $sign } todavía se está escribiendo. Abre Zodiac para leerlo en un momento.
stats-shares = 📤 Compartidos: { $chosen } · abiertos desde un enlace: { $starts } · usuarios nuevos desde un enlace: { $referred }

## Push

# El menú de comandos: el envío diario.
cmd-subscribe = Horóscopo cada mañana
cmd-stop = Dejar el horóscopo matutino
# /help: qué es el horóscopo matutino y qué se guarda para él.
help-push =
    /subscribe — tu horóscopo cada mañana, a tu hora
    /stop — no más horóscopos por la mañana
    Para el horóscopo matutino guardo además su signo, la hora y la zona horaria (de una ubicación compartida solo queda la zona horaria; no guardo dónde estás).
push-button = 🔔 Cada mañana
push-step-sign =
    🔔 <b>Cada mañana</b>{ $mode ->
        [new] { " · " }paso 1 de 3
       *[change] { "" }
    }
    ¿De qué signo te envío el horóscopo?
push-step-time =
    🔔 <b>Cada mañana</b>{ $mode ->
        [new] { " · " }paso 2 de 3
       *[change] { "" }
    }
    { $sign }: ¿a qué hora?
push-other-time = ⌨️ Otra hora
push-type-time =
    ⌨️ Escribe la hora en horas y minutos, por ejemplo <b>07:30</b> o <b>19.45</b>.
push-bad-time =
    🤔 «{ $text }» no es una hora que entienda. Escribe horas y minutos, por ejemplo <b>07:30</b>, <b>7:30</b> o <b>19.45</b>.
push-step-zone =
    🔔 <b>Cada mañana</b>{ $mode ->
        [new] { " · " }paso 3 de 3
       *[change] { "" }
    }
    { $sign } a las { $time }. ¿En qué zona horaria estás?
    📍 Comparte tu ubicación, ⌨️ escribe tu ciudad (por ejemplo <i>Madrid</i> o <i>Buenos Aires</i>) o elige abajo.
push-share-location = 📍 Compartir mi ubicación
push-location-ask = 📍 Pulsa «Enviar mi ubicación» abajo. Solo guardo tu zona horaria, nunca dónde estás.
push-send-location = 📍 Enviar mi ubicación
push-location-back = « Atrás
push-location-done = 📍 Zona horaria: { $zone }
push-location-failed = 🤷 No pude saber la zona horaria de ese lugar. Escribe tu ciudad o elige una zona.
push-city-several = Hay varios lugares llamados «{ $text }». ¿Cuál es el tuyo?
push-city-none = 🤷 No conozco ninguna ciudad llamada «{ $text }». Prueba con una ciudad grande cercana, su nombre en inglés o comparte tu ubicación.
push-zone-unknown = Este lugar ya no está en la lista. Elige de nuevo, por favor.
push-subscribed =
    ✅ { $sign } cada día a las { $time } ({ $zone }).
    Próximo: { $next }.
push-next-today = hoy, { $date }
push-next-tomorrow = mañana, { $date }
push-back = « Atrás
push-open-settings = ⚙️ Ajustes
push-settings-on = 🔔 Cada mañana: { $sign } a las { $time } ({ $zone })
push-settings-paused = ⏸ Cada mañana: { $sign } a las { $time } ({ $zone }), en pausa hasta el { $date }
push-settings-paused-forever = ⏸ Cada mañana: { $sign } a las { $time } ({ $zone }), en pausa
push-settings-off = 🔕 Cada mañana: desactivado
push-change-sign = ✨ Signo de la mañana
push-change-time = 🕖 Hora
push-change-zone = 🌍 Zona horaria
push-pause = ⏸ Pausar
push-resume = ▶️ Reanudar
push-unsubscribe = 🔕 Darse de baja
push-pause-ask = ⏸ ¿Por cuánto tiempo pauso el horóscopo matutino?
push-pause-days = { $days } { $days ->
        [one] día
       *[other] días
    }
push-pause-forever = Hasta que lo reanude
push-saved = ✅ Guardado
push-paused = ⏸ En pausa hasta el { $date }
push-paused-forever = ⏸ En pausa hasta que lo reanudes
push-resumed = ▶️ Reanudado
push-unsubscribed = 🔕 Te has dado de baja
push-stopped = 🔕 Hecho: no habrá más horóscopos por la mañana. /subscribe para volver a recibirlos.
push-not-subscribed = No tienes horóscopo matutino. Usa /subscribe y te lo enviaré cada día.

## Push (operators)

# /status, tras las líneas del bot: el envío diario. «Pendientes»: por enviar antes del fin del día en TIMEZONE.
status-push =
    🔔 <b>Envío diario</b>
    Suscriptores: activos { $active } · en pausa { $paused }
    Hoy: enviados { $sent } · pendientes { $due } · fallidos { $failed }
    Bloquearon el bot: hoy { $blocked_today } · en total { $blocked_total }
    Próxima tanda: { $next }
# La próxima tanda: cuándo (en TIMEZONE) y cuántos mensajes tocan en ese minuto.
status-push-wave = { $when } ({ $timezone }), pendientes: { $count }
status-push-wave-none = ninguna programada
# /stats: suscriptores activos ahora, ayer y hace 7 días (al final del día; «—»: sin contar).
stats-subscribers = 🔔 Suscriptores: { $today } · ayer { $yesterday } · hace 7 días { $week }
# /stats, gráfico: el título del panel de suscriptores bajo las vistas, y su eje.
chart-subscribers = Suscriptores activos, { $days ->
        [one] último día
       *[other] últimos { $days } días
    }
chart-subscribers-axis = Suscriptores

## Shares per day in the /stats chart
# The title of the panel of shares per day, and its two kinds of bars.
chart-shares = Horóscopos compartidos por día, { $days ->
        [one] último día
       *[other] últimos { $days } días
    }
chart-shares-chosen = Compartidos (resultados inline elegidos)
chart-shares-referred = Usuarios nuevos por un enlace compartido
