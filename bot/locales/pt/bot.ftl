# Everything the bot says, in Brazilian Portuguese. Project Fluent syntax: https://projectfluent.org/
# Every value is trusted Telegram HTML: escape < > & as &lt; &gt; &amp; when meant as text.
# Placeables ({ $name }) are filled in by the bot; anything coming from a user or the LLM is
# escaped before it gets here. Plural variants follow CLDR: one (0 and 1) / other; CLDR's
# "many" is only for exact millions in compact notation ("1 milhão de"), which the bot never
# writes, so "other" covers it. A count of views or users has a [0] variant: "0 visualizações".
# The user is "você", with no gendered adjectives about them. Dates ({ $date }) read
# "1 de dezembro de 2026".

## Everyone

greeting =
    Oi, { $name }! ✨
    Todo dia eu escrevo um horóscopo novinho para cada um dos doze signos.
choose-sign = Escolha o seu signo:
help =
    <b>Como funciona</b>
    Toque no seu signo para ver o horóscopo de hoje. Um novo dia começa à meia-noite ({ $tz }): a partir daí, cada signo mostra o horóscopo do novo dia.

    /horoscope — escolher um signo
    /help — esta ajuda
preparing = ⏳ Escrevendo o horóscopo de { $sign }… Isso leva alguns segundos.
apology = 😔 Não consegui escrever o horóscopo de { $sign } agora. As estrelas estão um pouco ocupadas — tente de novo daqui a pouco.
cold-busy = 😅 Estou escrevendo muitos horóscopos ao mesmo tempo. Tente de novo o de { $sign } daqui a um minuto.
cold-stopped = 🔧 O bot está reiniciando e o horóscopo de { $sign } ainda não está pronto. Tente de novo daqui a um minuto.
too-fast = 🐢 Mais devagar! Espere um segundinho.
try-again = 🔄 Tentar de novo
all-signs = « Todos os signos
unknown-input = Eu entendo botões e comandos. Escolha o seu signo:
stale-button = Este botão está desatualizado — aqui está um menu novo.
something-went-wrong = Algo deu errado. Tente de novo daqui a um minuto.

## The command menu

cmd-start = Iniciar
cmd-horoscope = Horóscopo de hoje
cmd-help = Ajuda
cmd-regen = Regenerar horóscopos (admin)
cmd-stats = Gráfico de visualizações (admin)
cmd-status = Status do bot (admin)

## Admins

admin-only = Este comando é só para administradores.
admin-private-only = Os comandos de administrador só funcionam no chat privado com o bot.
regen-unknown-sign = Signo desconhecido: { $sign }. Por exemplo: /regen leo ou /regen Leão
regen-progress =
    🔄 Regenerando para { $date }: { $done }/{ $count }
    { $signs }
regen-done = ✅ Pronto em { $seconds } s: { $generated } de { $count } regenerados.
regen-failed-line = ❌ Com falha: { $signs }
regen-busy = ⏳ Já há uma regeneração em andamento: { $done }/{ $count }, iniciada há { $seconds } s. Aguarde até ela terminar.

stats-title = 📊 <b>Visualizações em { $date }</b>
stats-title-period = 📊 <b>Visualizações { $days ->
        [one] do último dia
       *[other] dos últimos { $days } dias
    }</b> (até { $date })
stats-current-day = Hoje: <b>{ $total }</b> { $total ->
        [0] visualizações
        [one] visualização
       *[other] visualizações
    } ({ $change } em relação a ontem)
stats-current-period = { $days ->
        [one] Último dia
       *[other] Últimos { $days } dias
    }: <b>{ $total }</b> { $total ->
        [0] visualizações
        [one] visualização
       *[other] visualizações
    } ({ $change } em relação { $days ->
        [one] ao dia anterior
       *[other] aos { $days } dias anteriores
    })
stats-totals = Hoje { $today } · 7 dias { $week } · 30 dias { $month }
stats-extremes = Mais lido: { $most } ({ $most_views }) · menos lido: { $least } ({ $least_views })
stats-empty = Ninguém leu um horóscopo ainda. Volte mais tarde!
stats-empty-period = Nenhuma visualização neste período. Tente /stats 30.
stats-usage = Uso: /stats (hoje), /stats 7 ou /stats 30.
stats-button-today = Hoje
stats-button-days = { $days } { $days ->
        [one] dia
       *[other] dias
    }

chart-title-day = Visualizações em { $date }
chart-title-period = Visualizações { $days ->
        [one] do último dia
       *[other] dos últimos { $days } dias
    } (até { $date })
chart-today = Hoje
chart-week-average = Média diária dos 7 dias anteriores
chart-last-days = { $days ->
        [one] Último dia
       *[other] Últimos { $days } dias
    }
chart-previous-days = { $days ->
        [one] Dia anterior
       *[other] { $days } dias anteriores
    }
chart-axis = Visualizações

status =
    ℹ️ <b>Status do bot</b>
    Gerador: { $llm }
    Horóscopos para { $date }: { $stored }/{ $count }
    Última execução: { $last }
    Próxima execução: { $next }
    Visualizações ainda não gravadas: { $pending }
    Banco de dados: { $database }
    Versão: { $version }
status-offline = gerador offline
status-llm = LLM { $model } ({ $host })
status-never = nenhuma desde o início
status-last-run = { $when } — { $stored }/{ $count } em { $seconds } s
status-failed = , com falha: { $signs }
status-next-none = não agendada

## Alerts to admins

alert-job-done = 🌙 Horóscopos para { $date }: { $stored }/{ $count } em { $seconds } s
alert-missing =
    ⚠️ Ainda faltam, mesmo após todas as tentativas:
    { $lines }
alert-llm-fatal =
    🚨 O LLM está recusando as solicitações: { $reason }
    Signos: { $signs }. Verifique OPENAI_API_KEY, a cota e OPENAI_MODEL.

## Why a generation failed (a provider's own message may follow, cut and cleaned)

failure-reason = { $reason } ({ $detail })
reason-auth = a chave de API não foi aceita
reason-quota = a cota se esgotou
reason-model = o modelo não foi encontrado
reason-rate-limit = muitas solicitações
reason-timeout = o LLM não respondeu a tempo
reason-connection = não foi possível acessar o LLM
reason-server = houve um erro do lado do LLM
reason-bad-text = o LLM enviou um texto inutilizável
reason-unknown = um erro desconhecido

## Surfaces

# The command menu, more of it (the menu's order: start, horoscope, language, settings, help, forget).
cmd-language = Idioma
cmd-settings = Configurações
cmd-forget = Apagar meus dados
# Plain text, not HTML. Shown in an empty chat ("What can this bot do?"); at most 512 characters.
bot-description = Seu horóscopo de hoje, para todos os signos do zodíaco. Toque no seu signo e ele aparece na hora; um novo é escrito toda noite, à meia-noite. Eu falo o seu idioma — para trocar, use /language. Guardo só o seu idioma e o último signo que você escolheu, e o /forget apaga os dois.
# Plain text, on the bot's profile and in link previews; at most 120 characters.
bot-short-description = O horóscopo de hoje para o seu signo em um toque — novinho todo dia.
# /stats: the users (the count words take plural forms; [0] as for views: "0 usuários").
stats-users = 👥 { $total } { $total ->
        [0] usuários
        [one] usuário
       *[other] usuários
    } · novos hoje: { $new }
stats-users-active = Ativos: { $week } em 7 dias · { $month } em 30 dias

## Users

your-sign = { $emoji } { $sign } — horóscopo de hoje
choose-language = Escolha o idioma em que eu falo com você:
language-chosen = ✅ Idioma definido: { $language }.
settings-title = ⚙️ <b>Configurações</b>
settings-language = Idioma: { $language }
settings-language-auto = { $language } (o mesmo do seu Telegram)
settings-sign = Signo: { $sign }
settings-no-sign = ainda não escolhido
settings-change-language = 🌐 Trocar idioma
settings-change-sign = ✨ Trocar signo
help-users =
    /language — o idioma em que eu falo
    /settings — seu idioma e seu signo
    /forget — apagar seus dados

    <b>O que eu guardo sobre você, e por quê</b>
    Seu id do Telegram (para saber que é você), o idioma que você escolheu e o do seu app do Telegram (para falar nele), o último signo em que você tocou (para oferecê-lo primeiro) e as datas em que você usou o bot pela primeira e pela última vez (para as estatísticas de uso). Nada além disso: nem nome, nem mensagens.
    O /forget apaga tudo isso de uma vez. Depois, só o seu id fica guardado por 24 horas, para garantir que nenhuma gravação pendente traga os seus dados de volta.
forget-confirm =
    🗑 <b>Apagar seus dados?</b>
    Vou apagar tudo o que guardo sobre você: seu idioma, seu signo e as datas em que você usou o bot. Não dá para desfazer.
forget-yes = 🗑 Sim, apagar
forget-cancel = Cancelar
forget-done = ✅ Pronto: apaguei tudo o que eu guardava sobre você. Se mandar /start de novo, eu começo do zero.
forget-cancelled = Nada foi apagado.

## Share

share-button = 📤 Compartilhar
share-open-bot = ✨ Abrir o Zodiac
share-preparing-title = ⏳ { $sign }: o horóscopo está sendo escrito
share-preparing-description = Tente de novo daqui a pouco.
share-preparing-message = ⏳ O horóscopo de hoje para { $sign } ainda está sendo escrito. Abra o Zodiac para lê-lo daqui a pouco.
stats-shares = 📤 Compartilhados: { $chosen } · abertos por um link: { $starts } · novos usuários por um link: { $referred }

## Push

# O menu de comandos: o envio diário.
cmd-subscribe = Horóscopo toda manhã
cmd-stop = Parar o horóscopo da manhã
# /help: o que é o horóscopo da manhã e o que fica guardado para ele.
help-push =
    /subscribe — seu horóscopo toda manhã, no seu horário
    /stop — chega de horóscopos de manhã
    Para o horóscopo da manhã eu guardo também o signo, o horário e o fuso horário (de uma localização compartilhada fica só o fuso; onde você está não é guardado).
push-button = 🔔 Toda manhã
push-step-sign =
    🔔 <b>Toda manhã</b>{ $mode ->
        [new] { " · " }passo 1 de 3
       *[change] { "" }
    }
    De qual signo devo enviar o horóscopo?
push-step-time =
    🔔 <b>Toda manhã</b>{ $mode ->
        [new] { " · " }passo 2 de 3
       *[change] { "" }
    }
    { $sign }: a que horas?
push-other-time = ⌨️ Outro horário
push-type-time =
    ⌨️ Digite o horário em horas e minutos, por exemplo <b>07:30</b> ou <b>19.45</b>.
push-bad-time =
    🤔 “{ $text }” não é um horário que eu entenda. Digite horas e minutos, por exemplo <b>07:30</b>, <b>7:30</b> ou <b>19.45</b>.
push-step-zone =
    🔔 <b>Toda manhã</b>{ $mode ->
        [new] { " · " }passo 3 de 3
       *[change] { "" }
    }
    { $sign } às { $time }. Em que fuso horário você está?
    📍 Compartilhe sua localização, ⌨️ digite sua cidade (por exemplo <i>São Paulo</i> ou <i>Lisboa</i>) ou escolha abaixo.
push-share-location = 📍 Compartilhar localização
push-location-ask = 📍 Toque em “Enviar minha localização” abaixo. Guardo só o seu fuso horário, nunca onde você está.
push-send-location = 📍 Enviar minha localização
push-location-back = « Voltar
push-location-done = 📍 Fuso horário: { $zone }
push-location-failed = 🤷 Não consegui saber o fuso horário desse lugar. Digite sua cidade ou escolha um fuso.
push-city-several = Há vários lugares chamados “{ $text }”. Qual é o seu?
push-city-none = 🤷 Não conheço nenhuma cidade chamada “{ $text }”. Tente uma cidade maior perto, o nome em inglês ou compartilhe sua localização.
push-zone-unknown = Este lugar não está mais na lista. Escolha de novo, por favor.
push-subscribed =
    ✅ { $sign } todo dia às { $time } ({ $zone }).
    Próximo: { $next }.
push-next-today = hoje, { $date }
push-next-tomorrow = amanhã, { $date }
push-back = « Voltar
push-open-settings = ⚙️ Configurações
push-settings-on = 🔔 Toda manhã: { $sign } às { $time } ({ $zone })
push-settings-paused = ⏸ Toda manhã: { $sign } às { $time } ({ $zone }), pausado até { $date }
push-settings-paused-forever = ⏸ Toda manhã: { $sign } às { $time } ({ $zone }), pausado
push-settings-off = 🔕 Toda manhã: desligado
push-change-sign = ✨ Signo da manhã
push-change-time = 🕖 Horário
push-change-zone = 🌍 Fuso horário
push-pause = ⏸ Pausar
push-resume = ▶️ Retomar
push-unsubscribe = 🔕 Cancelar inscrição
push-pause-ask = ⏸ Pausar o horóscopo da manhã por quanto tempo?
push-pause-days = { $days } { $days ->
        [one] dia
       *[other] dias
    }
push-pause-forever = Até eu retomar
push-saved = ✅ Salvo
push-paused = ⏸ Pausado até { $date }
push-paused-forever = ⏸ Pausado até você retomar
push-resumed = ▶️ Retomado
push-unsubscribed = 🔕 Inscrição cancelada
push-stopped = 🔕 Pronto: não haverá mais horóscopos de manhã. Use /subscribe para voltar a recebê-los.
push-not-subscribed = Você não tem o horóscopo da manhã. Use /subscribe e eu o envio todo dia.

## Push (operators)

# /status, depois das linhas do bot: o envio diário. «Pendentes»: a enviar antes do fim do dia em TIMEZONE.
status-push =
    🔔 <b>Envio diário</b>
    Assinantes: ativos { $active } · em pausa { $paused }
    Hoje: enviados { $sent } · pendentes { $due } · com falha { $failed }
    Bloquearam o bot: hoje { $blocked_today } · no total { $blocked_total }
    Próxima leva: { $next }
# A próxima leva: quando (em TIMEZONE) e quantas mensagens vencem nesse minuto.
status-push-wave = { $when } ({ $timezone }), pendentes: { $count }
status-push-wave-none = nenhuma agendada
# /stats: assinantes ativos agora, ontem e há 7 dias (no fim do dia; «—»: não contado).
stats-subscribers = 🔔 Assinantes: { $today } · ontem { $yesterday } · há 7 dias { $week }
# /stats, gráfico: o título do painel de assinantes abaixo das visualizações e o seu eixo.
chart-subscribers = Assinantes ativos, { $days ->
        [one] último dia
       *[other] últimos { $days } dias
    }
chart-subscribers-axis = Assinantes

## Shares per day in the /stats chart
# The title of the panel of shares per day, and its two kinds of bars.
chart-shares = Horóscopos compartilhados por dia, { $days ->
        [one] último dia
       *[other] últimos { $days } dias
    }
chart-shares-chosen = Compartilhados (resultados inline escolhidos)
chart-shares-referred = Novos usuários por um link compartilhado
