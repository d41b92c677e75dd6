"""The built-in horoscope writer used when no LLM API key is configured.

A text is composed from sentence banks (the day's mood, weekday, element, work, love,
health, money, advice, a lucky line) with a ``random.Random`` seeded from a SHA-256 of
``sign:day:language``, so the same request always yields the same text while neighbouring
days and signs read differently. Plain text only: no HTML, no markdown.

Russian sentences address the reader as "вы" and put the sign name only in the nominative
(``"Овен, …"``, ``"знаку Овен"``), so no declension or gender agreement is ever needed.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from services.zodiac import ZODIAC_SIGNS, ZodiacSign

MIN_CHARS: Final = 500
MAX_CHARS: Final = 900

_PARAGRAPH_SEP: Final = "\n\n"
_OPTIONAL_PARTS: Final = ("weekday", "element", "health", "money")


@dataclass(frozen=True, slots=True)
class _Bank:
    openings: tuple[str, ...]  # contain {name}
    weekdays: tuple[tuple[str, ...], ...]  # indexed by date.weekday()
    elements: dict[str, tuple[str, ...]]
    work: tuple[str, ...]
    weekend_affairs: tuple[str, ...]
    love: tuple[str, ...]
    health: tuple[str, ...]
    money: tuple[str, ...]
    advice_prefixes: tuple[str, ...]
    advice: tuple[str, ...]  # start in lower case, follow a prefix
    extras: tuple[str, ...]  # padding for short texts; may contain {name}
    lucky_frames: tuple[str, ...]  # contain {number} {colour} {time}
    colours: tuple[str, ...]
    times: tuple[str, ...]


_RU: Final = _Bank(
    openings=(
        "{name}, этот день начинается спокойно, но к середине дня вы почувствуете прилив сил "
        "и желание взяться за то, что давно откладывали.",
        "{name}, звёзды сегодня на вашей стороне: обстоятельства складываются удачно, если не "
        "торопить события и доверять своему чутью.",
        "Сегодня звёзды советуют знаку {name} прислушаться к себе: настроение будет "
        "переменчивым, но именно в тихие минуты придут лучшие идеи.",
        "{name}, день обещает быть светлым и насыщенным: мелкие радости будут встречаться на "
        "каждом шагу, стоит только их замечать.",
        "Для знака {name} это день ясных решений: туман последних недель рассеивается, и вы "
        "наконец видите, куда двигаться дальше.",
        "{name}, сегодня вокруг вас много движения и разговоров — постарайтесь сохранить "
        "внутреннее равновесие и не распыляться.",
        "Луна сегодня мягко поддерживает знак {name}: эмоции будут тёплыми, а окружающие — "
        "внимательнее обычного.",
        "{name}, утро может показаться неторопливым, зато вторая половина дня принесёт новости, "
        "которые поднимут настроение.",
        "Звёзды обещают знаку {name} день маленьких открытий: привычные вещи вдруг покажутся "
        "интересными с новой стороны.",
        "{name}, сегодня хорошо получается всё, что связано с порядком и завершением начатого: "
        "закрывайте хвосты и освобождайте место для нового.",
        "Для знака {name} день складывается удачно: вы будете в центре внимания, и ваше мнение "
        "окажется весомым для многих.",
        "{name}, сегодня настроение может меняться несколько раз, и это нормально: двигайтесь в "
        "своём темпе и не требуйте от себя невозможного.",
        "Сегодня у знака {name} отличный шанс начать что-то новое: энергия дня благоприятствует "
        "смелым первым шагам.",
        "{name}, день пройдёт под знаком гармонии: конфликты обойдут вас стороной, а "
        "договориться получится даже с самыми упрямыми.",
        "Звёзды сегодня советуют знаку {name} не спешить: то, что кажется срочным с утра, к "
        "вечеру может потерять всякую важность.",
        "{name}, сегодня ваша интуиция работает особенно точно — первое впечатление о людях и "
        "ситуациях окажется верным.",
        "Для знака {name} этот день похож на глоток свежего воздуха: уходит напряжение, и "
        "появляется желание улыбаться.",
        "{name}, сегодняшний день располагает к откровенности: сказанное от души будет услышано "
        "и оценено.",
        "Небо сегодня благосклонно к знаку {name}: удача любит тех, кто действует спокойно и "
        "уверенно, без суеты.",
        "{name}, с самого утра вас может тянуть сразу во все стороны — выберите одно главное "
        "дело, и день сложится на удивление удачно.",
    ),
    weekdays=(
        (
            "Понедельник задаёт тон всей неделе, поэтому начните его с простого и приятного "
            "ритуала.",
            "Начало недели — удачное время, чтобы расставить приоритеты и записать главные цели.",
            "Этот понедельник лучше прожить без спешки: входите в рабочий ритм постепенно.",
        ),
        (
            "Вторник добавит решительности: то, что вчера казалось сложным, сегодня поддастся "
            "легче.",
            "Во вторник хорошо продвигаются дела, требующие настойчивости и внимания к деталям.",
            "Вторник подходит для важных звонков и встреч — люди будут настроены конструктивно.",
        ),
        (
            "Середина недели — время подвести промежуточные итоги и слегка скорректировать курс.",
            "Среда благоприятна для переговоров, учёбы и любых дел, где нужна ясная голова.",
            "В эту среду не бойтесь менять планы: гибкость сейчас ценнее упрямства.",
        ),
        (
            "Четверг приносит деловую удачу и хорошие новости от людей, которые давно не "
            "выходили на связь.",
            "В четверг особенно удаются дела, требующие размаха и уверенности в себе.",
            "Четверг — удачный день, чтобы попросить о помощи или, наоборот, поддержать кого-то.",
        ),
        (
            "Пятница располагает к лёгкости: завершайте неделю без авралов и оставьте силы на "
            "приятный вечер.",
            "В пятницу хорошо подводить итоги недели и благодарить тех, кто был рядом.",
            "Пятничное настроение поможет сгладить острые углы и найти общий язык с коллегами.",
        ),
        (
            "Суббота создана для отдыха и встреч с близкими — не загружайте её делами до отказа.",
            "В эту субботу побалуйте себя чем-то приятным: прогулкой, вкусным завтраком или "
            "новой книгой.",
            "Суббота подходит для домашних дел, которые приносят удовольствие, и для спонтанных "
            "поездок.",
        ),
        (
            "Воскресенье — время восстановить силы и мягко настроиться на новую неделю.",
            "Это воскресенье лучше провести неспешно, в кругу людей, с которыми спокойно и тепло.",
            "В воскресенье прислушайтесь к себе: тело и душа подскажут, чего им сейчас не хватает.",
        ),
    ),
    elements={
        "fire": (
            "Ваша огненная стихия сегодня особенно сильна: энтузиазм заразителен, и за вами "
            "охотно пойдут другие.",
            "Огонь внутри горит ровно и ярко — направьте этот жар на дело, а не на споры.",
            "Как знаку огня, вам сегодня важно движение: даже короткая прогулка зарядит энергией "
            "на весь день.",
            "Стихия огня подталкивает к смелым шагам, но помните: даже самому яркому пламени "
            "нужен надёжный очаг.",
            "Огненный темперамент сегодня станет вашим козырем, если добавить к нему немного "
            "терпения.",
        ),
        "earth": (
            "Земная стихия дарит вам сегодня устойчивость: там, где другие волнуются, вы спокойно "
            "делаете своё дело.",
            "Как знаку земли, вам сегодня особенно полезны простые дела руками — они успокаивают "
            "и возвращают ясность.",
            "Стихия земли напоминает: всё ценное растёт постепенно, и ваши усилия уже пускают "
            "корни.",
            "Практичность земного знака сегодня особенно кстати — ваши трезвые советы будут на "
            "вес золота.",
            "Земля под ногами сегодня надёжна: смело опирайтесь на проверенные планы и старые "
            "связи.",
        ),
        "air": (
            "Воздушная стихия наполняет день идеями: записывайте мысли, пока они свежие, — "
            "некоторые окажутся золотыми.",
            "Как знаку воздуха, вам сегодня особенно нужно общение: одна лёгкая беседа может "
            "подарить неожиданное вдохновение.",
            "Стихия воздуха сегодня приносит лёгкость: новые знакомства и планы складываются "
            "будто сами собой.",
            "Ветер перемен сегодня дует в вашу сторону — не цепляйтесь за старое и позвольте "
            "событиям увлечь вас.",
            "Воздушная натура помогает вам сегодня видеть ситуацию сверху и находить выход там, "
            "где другие видят тупик.",
        ),
        "water": (
            "Водная стихия обостряет чувствительность: вы тонко улавливаете настроение людей — "
            "используйте этот дар бережно.",
            "Как знаку воды, вам сегодня важно не держать эмоции в себе: поделитесь "
            "переживаниями с тем, кому доверяете.",
            "Стихия воды учит гибкости: обходите препятствия, а не штурмуйте их, и всё получится.",
            "Глубина чувств, свойственная водным знакам, поможет сегодня понять то, что не было "
            "сказано вслух.",
            "Вода сегодня течёт спокойно — доверьтесь течению, и оно вынесет вас к нужным людям "
            "и возможностям.",
        ),
    },
    work=(
        "В работе сегодня важно не браться за всё сразу: сосредоточьтесь на одной задаче, и "
        "результат удивит даже вас.",
        "Карьерные вопросы решаются легче, чем вы ожидали: руководство готово выслушать ваши "
        "предложения.",
        "На работе возможен интересный поворот — новая задача или проект, который раскроет ваши "
        "сильные стороны.",
        "Коллеги сегодня будут особенно отзывчивы, так что смело просите совета и делитесь идеями.",
        "Хороший день для планирования: составьте список дел на неделю, и многое встанет на свои "
        "места.",
        "В делах возможны небольшие задержки, но они к лучшему — у вас будет время всё "
        "перепроверить.",
        "Ваш профессионализм сегодня заметят: не скромничайте и рассказывайте о своих достижениях.",
        "Рабочие переговоры пройдут успешно, если вы заранее продумаете аргументы и сохраните "
        "спокойный тон.",
        "Сегодня легко даётся рутина: то, что обычно утомляет, пойдёт быстро и почти незаметно.",
        "Творческий подход к привычным задачам принесёт неожиданно хороший результат и одобрение "
        "окружающих.",
        "Если вы давно думали о новом месте работы или обучении, сегодня самое время сделать "
        "первый шаг.",
        "Не спорьте с коллегами по мелочам: сегодня гораздо важнее сохранить хорошие отношения в "
        "команде.",
        "День подходит для работы с документами, цифрами и договорами — внимательность будет "
        "вознаграждена.",
        "Вас могут попросить взять на себя чуть больше ответственности — соглашайтесь, это шаг "
        "вперёд.",
        "Старый рабочий вопрос, который долго висел в воздухе, наконец разрешится в вашу пользу.",
        "В профессиональной сфере удачны совместные проекты: вместе с единомышленниками вы "
        "добьётесь большего.",
        "Сегодня стоит довести до конца начатое, а новые проекты отложить хотя бы до завтра.",
        "Ваши идеи сегодня особенно свежи — запишите их, даже если пока не знаете, как их "
        "воплотить.",
        "На работе может понадобиться дипломатия: мягкое слово сегодня сработает лучше, чем "
        "жёсткий приказ.",
        "Небольшой успех в делах придаст уверенности и вдохновит на более смелые цели.",
    ),
    weekend_affairs=(
        "Даже в выходной мысли могут возвращаться к рабочим делам — запишите их и отпустите до "
        "понедельника.",
        "Сегодня хорошо удаются домашние проекты: небольшая перестановка или ремонт принесут "
        "удовольствие.",
        "Выходной подходит для того, чтобы спокойно обдумать карьерные планы без давления сроков.",
        "Если у вас есть хобби, которое давно ждёт внимания, сегодня самое время к нему вернуться.",
        "Не беритесь сегодня за срочную работу без крайней необходимости — отдых тоже часть "
        "успеха.",
        "Хороший день для самообразования: интересная лекция или книга подскажут свежий взгляд "
        "на профессию.",
        "Дела, которые вы сделаете сегодня с удовольствием, а не из чувства долга, принесут "
        "лучший результат.",
        "Возможен неожиданный звонок или сообщение по работе — отвечайте спокойно, решение "
        "подождёт.",
        "Сегодня стоит набросать план на следующую неделю — так понедельник начнётся легко и "
        "уверенно.",
        "Выходной — отличное время для творчества: то, что вы создадите сегодня, может "
        "пригодиться и в работе.",
    ),
    love=(
        "В любви сегодня ценятся простые жесты: тёплое сообщение или чашка чая для любимого "
        "человека скажут больше громких слов.",
        "Отношения с партнёром выходят на новый уровень доверия — поговорите о планах на будущее.",
        "Одиноким представителям знака стоит присмотреться к новым знакомствам: симпатия может "
        "вспыхнуть неожиданно.",
        "В личной жизни возможны приятные сюрпризы, особенно если вы сами сделаете первый шаг "
        "навстречу.",
        "Близкие сегодня особенно нуждаются в вашем внимании — выделите время для душевного "
        "разговора.",
        "Романтическое настроение витает в воздухе: спонтанное свидание или прогулка вдвоём "
        "принесут много радости.",
        "Если между вами и партнёром возникло недопонимание, сегодня его легко развеять "
        "искренним разговором.",
        "Сердце подскажет верный ответ на вопрос, который давно вас волнует, — просто доверьтесь "
        "ему.",
        "День благоприятен для встреч с друзьями: в дружеском кругу вы почувствуете поддержку и "
        "тепло.",
        "В отношениях важно не только говорить, но и слушать — сегодня это принесёт особенно "
        "ценные открытия.",
        "Старый друг может напомнить о себе, и эта встреча согреет вам душу.",
        "Не ждите, что любимый человек прочитает ваши мысли: скажите прямо, чего вам хочется, и "
        "получите это.",
        "Семейный вечер сегодня станет лучшим отдыхом — приготовьте что-нибудь вкусное и "
        "соберите близких.",
        "Ваше обаяние сегодня на высоте, и окружающие охотно отвечают вам взаимностью.",
        "Паре сегодня хорошо планировать общие дела: поездку, покупку или просто выходные.",
        "Маленький комплимент, сказанный вовремя, может сегодня изменить настроение близкого "
        "человека к лучшему.",
        "Сегодня стоит простить старую обиду — вы почувствуете, как с плеч упадёт тяжёлый груз.",
        "Чувства сегодня глубоки и искренни; не бойтесь показать свою нежность.",
        "Возможен лёгкий флирт или приятные знаки внимания — принимайте их с улыбкой.",
        "Дома сегодня царит уют: это прекрасное время для тихих разговоров и совместных планов.",
    ),
    health=(
        "Энергии сегодня достаточно, но распределяйте её разумно: делайте короткие перерывы "
        "каждые пару часов.",
        "Организм просит отдыха — постарайтесь лечь спать пораньше и отложить телефон за час до "
        "сна.",
        "Прогулка на свежем воздухе сегодня сработает лучше любого кофе и вернёт бодрость.",
        "Обратите внимание на питание: лёгкая еда и достаточно воды помогут сохранить ясность "
        "мысли.",
        "Хороший день для спорта: даже небольшая тренировка подарит заряд бодрости до самого "
        "вечера.",
        "Если чувствуете усталость, не игнорируйте её: десять минут тишины с закрытыми глазами "
        "творят чудеса.",
        "Самочувствие стабильное, а лёгкая растяжка утром поможет проснуться и настроиться на "
        "дела.",
        "Сегодня полезны водные процедуры: тёплый душ или ванна снимут напряжение после "
        "насыщенного дня.",
        "Следите за осанкой и дыханием — глубокий вдох в напряжённый момент станет сегодня "
        "вашей суперсилой.",
        "Энергия сегодня будет приходить волнами: используйте подъёмы для важных дел, а спады — "
        "для отдыха.",
        "Постарайтесь меньше времени проводить у экрана: глаза и нервная система скажут вам "
        "спасибо.",
        "Хорошо подойдут танцы, йога или любое движение под музыку — тело само подскажет нужный "
        "ритм.",
        "Не берите на себя чужие тревоги: ваше спокойствие — лучшая защита от усталости.",
        "Сон сегодня особенно важен: проветрите комнату перед сном, и утро будет бодрым.",
        "Силы сегодня восстанавливаются быстро, особенно если провести хотя бы час на природе.",
        "Чашка травяного чая и тёплый плед вечером — именно то, что нужно для восстановления.",
        "Самочувствие улучшится, если навести порядок вокруг себя: чистое пространство "
        "освобождает голову.",
        "Организм сегодня хорошо откликается на заботу — запишитесь к врачу, если давно "
        "откладывали визит.",
    ),
    money=(
        "В финансах сегодня лучше придерживаться плана и воздержаться от спонтанных покупок.",
        "Возможен небольшой, но приятный доход — премия, возврат долга или выгодное предложение.",
        "Удачный день, чтобы пересмотреть бюджет и найти расходы, от которых можно отказаться.",
        "Крупные покупки лучше отложить на пару дней, а вот небольшие траты для радости вполне "
        "оправданы.",
        "Денежные вопросы решаются через связи: полезный совет может дать знакомый, от которого "
        "вы этого не ждёте.",
        "Финансовое чутьё сегодня не подводит, но важные решения всё равно стоит перепроверить.",
        "Хорошее время, чтобы отложить небольшую сумму, — эта привычка скоро начнёт приносить "
        "плоды.",
        "Не давайте сегодня в долг крупные суммы: даже близким лучше помочь иначе.",
        "Вложения в знания и навыки сегодня особенно выгодны — они окупятся быстрее, чем кажется.",
        "Деньги любят порядок: разберите счета и чеки, и вы обнаружите приятную экономию.",
        "Возможна выгодная покупка, если не поддаваться первой же рекламе и сравнить варианты.",
        "Финансовое положение стабильно; сегодня уместно подумать о долгосрочных целях и "
        "накоплениях.",
        "Неожиданная трата может слегка расстроить, но в итоге окажется полезным вложением.",
        "Сегодня удачны сделки и договорённости, связанные с домом, ремонтом или обустройством "
        "быта.",
        "Умение считать сегодня особенно кстати: внимательность к цифрам убережёт от ошибки.",
        "Подработка или дополнительный проект могут принести больше, чем вы рассчитываете.",
        "Не стоит рисковать сбережениями ради быстрой выгоды — надёжность сейчас важнее.",
        "Щедрость сегодня вернётся сторицей: небольшой подарок близкому человеку обрадует вас "
        "обоих.",
    ),
    advice_prefixes=("Совет дня:", "Совет звёзд:", "Главный совет на сегодня:"),
    advice=(
        "улыбайтесь чаще — сегодня улыбка откроет больше дверей, чем любые аргументы.",
        "не откладывайте на завтра то, что займёт всего пять минут.",
        "найдите время для себя, даже если это всего четверть часа в тишине.",
        "благодарите людей за мелочи — это вернётся к вам добром.",
        "доверяйте первому впечатлению, но проверяйте факты.",
        "скажите «нет» тому, что забирает силы, и «да» тому, что вдохновляет.",
        "запишите три вещи, за которые вы сегодня благодарны, — это настроит на позитив.",
        "сделайте что-то впервые: новый маршрут, блюдо или хобби освежат восприятие.",
        "не сравнивайте себя с другими — у вас свой путь и свой темп.",
        "позвоните тому, о ком давно думаете, — этот разговор важен для вас обоих.",
        "берегите обещания: лучше пообещать меньше, но выполнить всё.",
        "посмотрите на проблему с другой стороны, и решение окажется проще, чем казалось.",
        "освободите немного места — избавьтесь от одной ненужной вещи, и станет легче дышать.",
        "сохраняйте чувство юмора, особенно когда что-то идёт не по плану.",
        "похвалите себя за сделанное, а не ругайте за то, что не успели.",
        "прежде чем ответить резко, сделайте паузу и глубокий вдох.",
        "помогите кому-нибудь, не ожидая награды, — это принесёт удачу.",
        "слушайте больше, чем говорите: в чужих словах сегодня скрыта полезная подсказка.",
        "мечтайте смелее и запишите хотя бы одну большую цель.",
        "завершите день чем-то приятным, чтобы завтра проснуться в хорошем настроении.",
    ),
    extras=(
        "{name}, помните: даже небольшой шаг сегодня приближает вас к большой цели.",
        "Звёзды напоминают знаку {name}: самые приятные события часто приходят тогда, когда их "
        "перестаёшь ждать.",
        "Вечером найдите минуту, чтобы подвести итоги дня и поблагодарить себя за старания.",
        "Окружающие сегодня тянутся к вашей энергии, так что делитесь ею щедро, но не забывайте "
        "о себе.",
        "Случайная встреча или фраза, услышанная мимоходом, может оказаться важной подсказкой.",
        "Если что-то пойдёт не по плану, не расстраивайтесь: звёзды готовят для вас вариант "
        "получше.",
    ),
    lucky_frames=(
        "Счастливое число: {number}. Цвет дня: {colour}. Удачное время: {time}.",
        "Число удачи — {number}, цвет — {colour}, а самое благоприятное время — {time}.",
        "Талисманы дня: число {number} и {colour} цвет; лучшее время для важных дел — {time}.",
    ),
    colours=(
        "изумрудный",
        "лазурный",
        "золотистый",
        "бирюзовый",
        "персиковый",
        "серебристый",
        "тёмно-синий",
        "вишнёвый",
        "оливковый",
        "лавандовый",
        "коралловый",
        "песочный",
        "мятный",
        "бордовый",
        "небесно-голубой",
        "янтарный",
    ),
    times=(
        "раннее утро",
        "утро",
        "время до полудня",
        "полдень",
        "вторая половина дня",
        "ранний вечер",
        "вечер",
        "час перед закатом",
    ),
)


_EN: Final = _Bank(
    openings=(
        "{name}, the day starts quietly, but by midday you will feel a surge of energy and the "
        "urge to tackle something you have been putting off.",
        "{name}, the stars are on your side today: things fall into place nicely as long as you "
        "don't rush events and trust your instincts.",
        "Today the stars advise {name} to listen to your inner voice: your mood may shift, but "
        "the best ideas will arrive in the quiet moments.",
        "{name}, the day promises to be bright and full: small pleasures will turn up at every "
        "step if you take the time to notice them.",
        "For {name}, this is a day of clear decisions: the fog of recent weeks lifts, and you "
        "can finally see where to go next.",
        "{name}, there is a lot of movement and chatter around you today, so try to keep your "
        "inner balance and avoid spreading yourself too thin.",
        "The Moon gently supports {name} today: emotions run warm, and the people around you "
        "are more attentive than usual.",
        "{name}, the morning may feel slow, but the second half of the day brings news that "
        "will lift your spirits.",
        "The stars promise {name} a day of small discoveries: familiar things may suddenly look "
        "interesting from a new angle.",
        "{name}, anything to do with order and finishing what you started goes well today: tie "
        "up loose ends and make room for something new.",
        "The day works out well for {name}: you will be in the spotlight, and your opinion will "
        "carry real weight with others.",
        "{name}, your mood may change several times today, and that is perfectly fine: move at "
        "your own pace and don't demand the impossible of yourself.",
        "Today {name} has an excellent chance to begin something new: the energy of the day "
        "favours bold first steps.",
        "{name}, harmony is the keynote of the day: conflicts pass you by, and you can reach "
        "agreement even with the most stubborn people.",
        "The stars advise {name} not to hurry today: what feels urgent in the morning may lose "
        "all importance by evening.",
        "{name}, your intuition is especially sharp today, and your first impressions of people "
        "and situations will prove right.",
        "For {name}, this day feels like a breath of fresh air: tension eases, and you will "
        "find yourself smiling more often.",
        "{name}, today invites honesty: words spoken from the heart will be heard and appreciated.",
        "The sky is kind to {name} today: luck favours those who act calmly and confidently, "
        "without fuss.",
        "{name}, from early morning you may feel pulled in every direction, so choose one main "
        "task and the day will turn out surprisingly well.",
    ),
    weekdays=(
        (
            "Monday sets the tone for the whole week, so start it with a simple, pleasant ritual.",
            "The start of the week is a good moment to set priorities and write down your main "
            "goals.",
            "Take this Monday without rushing and ease into your working rhythm gradually.",
        ),
        (
            "Tuesday adds determination: what seemed difficult yesterday will give way more "
            "easily today.",
            "On Tuesday, tasks that need persistence and attention to detail move forward nicely.",
            "Tuesday suits important calls and meetings, as people will be in a constructive mood.",
        ),
        (
            "Midweek is the time to take stock and adjust your course slightly.",
            "Wednesday favours negotiations, study and anything that requires a clear head.",
            "This Wednesday, don't be afraid to change plans: flexibility is worth more than "
            "stubbornness right now.",
        ),
        (
            "Thursday brings luck in business and good news from people you have not heard from "
            "in a while.",
            "On Thursday, anything that calls for ambition and self-confidence goes especially "
            "well.",
            "Thursday is a good day to ask for help or, just as importantly, to support someone "
            "else.",
        ),
        (
            "Friday invites lightness: finish the week without a last-minute rush and save some "
            "energy for a pleasant evening.",
            "Friday is perfect for reviewing the week and thanking those who stood by you.",
            "The Friday mood will help smooth over rough edges and find common ground with "
            "colleagues.",
        ),
        (
            "Saturday is made for rest and time with loved ones, so don't pack it full of chores.",
            "This Saturday, treat yourself to something nice: a walk, a delicious breakfast or a "
            "new book.",
            "Saturday is good for the kind of housework you enjoy and for spontaneous trips.",
        ),
        (
            "Sunday is a time to recharge and gently tune in to the week ahead.",
            "Spend this Sunday at an unhurried pace, among people who make you feel calm and warm.",
            "On Sunday, listen to yourself: body and soul will tell you what they are missing.",
        ),
    ),
    elements={
        "fire": (
            "Your fire element is especially strong today: your enthusiasm is contagious, and "
            "others will gladly follow your lead.",
            "The fire inside you burns steady and bright — direct that heat into action rather "
            "than arguments.",
            "As a fire sign, you need movement today: even a short walk will charge you with "
            "energy for the whole day.",
            "The fire element pushes you towards bold steps, but remember that even the brightest "
            "flame needs a good hearth.",
            "Your fiery temperament will be your trump card today if you add a little patience "
            "to it.",
        ),
        "earth": (
            "Your earth element gives you stability today: where others worry, you calmly get on "
            "with the job.",
            "As an earth sign, you will benefit from simple hands-on tasks today — they calm you "
            "and bring back clarity.",
            "The earth element reminds you that everything valuable grows gradually, and your "
            "efforts are already taking root.",
            "The practicality of an earth sign is especially welcome today — your sober advice "
            "will be worth its weight in gold.",
            "The ground beneath your feet is solid today: lean confidently on proven plans and "
            "old connections.",
        ),
        "air": (
            "The air element fills the day with ideas: write your thoughts down while they are "
            "fresh — some will prove golden.",
            "As an air sign, you especially need conversation today: one light chat may bring "
            "unexpected inspiration.",
            "The air element brings lightness today: new acquaintances and plans come together "
            "almost by themselves.",
            "The wind of change is blowing your way today — don't cling to the old, and let "
            "events carry you along.",
            "Your airy nature helps you see the situation from above today and find a way out "
            "where others see a dead end.",
        ),
        "water": (
            "Your water element sharpens your sensitivity: you pick up on people's moods with "
            "ease — use this gift with care.",
            "As a water sign, try not to bottle up your emotions today: share your feelings with "
            "someone you trust.",
            "The water element teaches flexibility: flow around obstacles instead of storming "
            "them, and everything will work out.",
            "The depth of feeling typical of water signs will help you understand today what was "
            "left unsaid.",
            "The water runs calm today — trust the current, and it will carry you to the right "
            "people and opportunities.",
        ),
    },
    work=(
        "At work, avoid taking on everything at once: focus on one task and the result will "
        "surprise even you.",
        "Career matters resolve more easily than you expected, and your superiors are ready to "
        "hear your proposals.",
        "An interesting turn is possible at work — a new task or project that shows off your "
        "strengths.",
        "Colleagues will be especially helpful today, so feel free to ask for advice and share "
        "your ideas.",
        "A good day for planning: draw up a list of tasks for the week, and much will fall into "
        "place.",
        "Small delays are possible in business, but they work in your favour — you will have "
        "time to double-check everything.",
        "Your professionalism will be noticed today, so don't be modest about your achievements.",
        "Work negotiations will go well if you think through your arguments in advance and keep "
        "a calm tone.",
        "Routine flows smoothly today: the things that usually tire you will go quickly and "
        "almost unnoticed.",
        "A creative approach to familiar tasks will bring an unexpectedly good result and the "
        "approval of others.",
        "If you have been thinking about a new job or a course of study, today is the right "
        "moment to take the first step.",
        "Don't argue with colleagues over trifles: keeping good relations in the team matters "
        "much more today.",
        "The day suits paperwork, numbers and contracts, and your attentiveness will be rewarded.",
        "You may be asked to take on a little more responsibility — say yes, as it is a step "
        "forward.",
        "An old work issue that has been hanging in the air will finally be settled in your "
        "favour.",
        "Joint projects are favoured in your professional life: together with like-minded "
        "people you will achieve more.",
        "Today it is worth finishing what you started and postponing new projects until at "
        "least tomorrow.",
        "Your ideas are especially fresh today — write them down even if you don't yet know how "
        "to bring them to life.",
        "Diplomacy may be needed at work: a gentle word will work better today than a firm order.",
        "A small success at work will boost your confidence and inspire you to set bolder goals.",
    ),
    weekend_affairs=(
        "Even on a day off your mind may drift back to work — jot your thoughts down and let "
        "them go until Monday.",
        "Home projects go well today: a little rearranging or some DIY will be genuinely "
        "satisfying.",
        "A day off is a good chance to think calmly about your career plans without deadline "
        "pressure.",
        "If there is a hobby that has been waiting for your attention, today is the time to "
        "return to it.",
        "Avoid urgent work today unless it is truly necessary — rest is part of success too.",
        "A good day for self-education: an interesting talk or book can offer a fresh view of "
        "your profession.",
        "Whatever you do today out of pleasure rather than duty will bring the best results.",
        "A work-related call or message may arrive unexpectedly — reply calmly, as the decision "
        "can wait.",
        "Sketch out a plan for next week today, and Monday will start easily and confidently.",
        "A day off is ideal for creativity: what you make today may well prove useful at work.",
    ),
    love=(
        "In love, simple gestures count today: a warm message or a cup of tea made for someone "
        "dear will say more than grand words.",
        "Your relationship reaches a new level of trust, so talk about your plans for the future.",
        "If you are single, pay attention to new acquaintances: attraction may spark when you "
        "least expect it.",
        "Pleasant surprises are possible in your personal life, especially if you take the "
        "first step yourself.",
        "Your loved ones especially need your attention today, so set aside time for a "
        "heart-to-heart talk.",
        "Romance is in the air: a spontaneous date or a walk together will bring plenty of joy.",
        "If there has been a misunderstanding between you and your partner, an honest "
        "conversation today will easily clear it up.",
        "Your heart will give the right answer to a question that has been on your mind for a "
        "while — just trust it.",
        "The day favours meeting friends: in their company you will feel support and warmth.",
        "In relationships it matters not only to talk but also to listen, and today that brings "
        "especially valuable discoveries.",
        "An old friend may get in touch, and the reunion will warm your heart.",
        "Don't expect your loved one to read your mind: say plainly what you want, and you will "
        "get it.",
        "A family evening will be the best rest today — cook something tasty and gather your "
        "nearest and dearest.",
        "Your charm is at its peak today, and people readily return your warmth.",
        "Couples will find it easy to plan shared things today: a trip, a purchase or simply "
        "the weekend.",
        "A small compliment at the right moment can change a loved one's mood for the better "
        "today.",
        "Today is a good time to forgive an old grievance — you will feel a heavy weight lift "
        "from your shoulders.",
        "Feelings run deep and sincere today; don't be afraid to show your tenderness.",
        "A little flirting or some pleasant attention is possible — accept it with a smile.",
        "Home feels especially cosy today, making it a lovely time for quiet talks and shared "
        "plans.",
    ),
    health=(
        "You have plenty of energy today, but use it wisely and take short breaks every couple "
        "of hours.",
        "Your body is asking for rest, so try to go to bed early and put your phone away an "
        "hour before sleep.",
        "A walk in the fresh air will work better than any coffee today and bring back your "
        "vigour.",
        "Pay attention to what you eat: light meals and plenty of water will help keep your "
        "mind clear.",
        "A good day for sport: even a short workout will keep you energised until evening.",
        "If you feel tired, don't ignore it: ten minutes of silence with your eyes closed can "
        "work wonders.",
        "Your health is stable, and a little stretching in the morning will help you wake up "
        "and get going.",
        "Water is healing today: a warm shower or bath will ease the tension after a busy day.",
        "Watch your posture and breathing — a deep breath in a tense moment will be your "
        "superpower today.",
        "Energy comes in waves today: use the peaks for important tasks and the dips for rest.",
        "Try to spend less time in front of screens: your eyes and nerves will thank you.",
        "Dancing, yoga or any movement to music will suit you well — your body will find the "
        "right rhythm.",
        "Don't take on other people's worries: your calm is the best protection against fatigue.",
        "Sleep is especially important today; air the room before bed and you will wake up "
        "refreshed.",
        "Your strength recovers quickly today, especially if you spend at least an hour outdoors.",
        "A cup of herbal tea and a warm blanket in the evening are exactly what you need to "
        "recharge.",
        "You will feel better once you tidy up around you: a clean space frees the mind.",
        "Your body responds well to care today — book that doctor's appointment if you have "
        "been putting it off.",
    ),
    money=(
        "In money matters, stick to your plan today and hold back from impulse purchases.",
        "A small but pleasant income is possible — a bonus, a repaid debt or a profitable offer.",
        "A good day to review your budget and find expenses you can do without.",
        "Postpone big purchases for a couple of days, but small treats that bring joy are "
        "perfectly justified.",
        "Financial questions are solved through connections: useful advice may come from "
        "someone you least expect.",
        "Your financial intuition is working well today, but it is still worth double-checking "
        "important decisions.",
        "A good time to put aside a small sum — this habit will soon start to bear fruit.",
        "Avoid lending large sums today: even with loved ones, it is better to help in another "
        "way.",
        "Investing in knowledge and skills is especially rewarding today and will pay off "
        "sooner than you think.",
        "Money loves order: sort through your bills and receipts, and you will find a pleasant "
        "saving.",
        "A good deal is possible if you resist the first advert you see and compare your options.",
        "Your finances are stable; today is a fitting moment to think about long-term goals and "
        "savings.",
        "An unexpected expense may upset you a little, but it will turn out to be a useful "
        "investment.",
        "Deals and agreements related to your home, repairs or household comforts go well today.",
        "Your head for figures comes in handy today: paying attention to the numbers will save "
        "you from a mistake.",
        "A side job or an extra project may bring in more than you are counting on.",
        "Don't risk your savings for a quick profit — reliability matters more right now.",
        "Generosity pays back today: a small gift to someone close will bring joy to you both.",
    ),
    advice_prefixes=("Tip of the day:", "The stars' advice:", "Advice for today:"),
    advice=(
        "smile more often — today a smile will open more doors than any argument.",
        "don't put off until tomorrow what takes only five minutes.",
        "find time for yourself, even if it is just a quarter of an hour of quiet.",
        "thank people for the little things — it will come back to you as kindness.",
        "trust your first impression, but check the facts.",
        "say no to what drains your energy and yes to what inspires you.",
        "write down three things you are grateful for today — it will set a positive tone.",
        "do something for the first time: a new route, dish or hobby will refresh your outlook.",
        "don't compare yourself with others — you have your own path and your own pace.",
        "call the person you have been thinking about — the conversation matters to you both.",
        "guard your promises: it is better to promise less and deliver everything.",
        "look at the problem from a different angle, and the solution will turn out simpler "
        "than it seemed.",
        "clear a little space — part with one thing you don't need, and you will breathe easier.",
        "keep your sense of humour, especially when things don't go to plan.",
        "praise yourself for what you have done rather than scolding yourself for what you "
        "haven't.",
        "before you answer sharply, pause and take a deep breath.",
        "help someone without expecting a reward — it will bring you luck.",
        "listen more than you speak: a useful hint is hidden in other people's words today.",
        "dream boldly and write down at least one big goal.",
        "end the day with something pleasant so that you wake up tomorrow in a good mood.",
    ),
    extras=(
        "{name}, remember: even a small step today brings you closer to a big goal.",
        "The stars remind {name} that the nicest things often happen once you stop waiting for "
        "them.",
        "In the evening, take a minute to review the day and thank yourself for your efforts.",
        "People are drawn to your energy today, so share it generously, but don't forget about "
        "yourself.",
        "A chance meeting or a phrase overheard in passing may turn out to be an important hint.",
        "If something doesn't go to plan, don't be upset: the stars are preparing a better "
        "option for you.",
    ),
    lucky_frames=(
        "Lucky number: {number}. Colour of the day: {colour}. Best time: {time}.",
        "Your lucky number is {number}, your colour is {colour}, and the most favourable time "
        "is {time}.",
        "Talismans of the day: the number {number} and the colour {colour}; the best time for "
        "important matters is {time}.",
    ),
    colours=(
        "emerald",
        "azure",
        "gold",
        "turquoise",
        "peach",
        "silver",
        "navy blue",
        "cherry red",
        "olive",
        "lavender",
        "coral",
        "sand",
        "mint",
        "burgundy",
        "sky blue",
        "amber",
    ),
    times=(
        "early morning",
        "the morning",
        "late morning",
        "midday",
        "the afternoon",
        "early evening",
        "the evening",
        "the hour before sunset",
    ),
)

_BANKS: Final[dict[str, _Bank]] = {"ru": _RU, "en": _EN}


def _seed(sign: ZodiacSign, day: date, language: str) -> int:
    key = f"{sign}:{day.isoformat()}:{language}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def _assemble(parts: dict[str, str], dropped: set[str], padding: list[str]) -> str:
    def keep(*names: str) -> str:
        return " ".join(parts[n] for n in names if n not in dropped)

    paragraphs = (
        keep("opening", "weekday", "element"),
        keep("work", "love", "health", "money"),
        " ".join([*padding, parts["advice"], parts["lucky"]]),
    )
    return _PARAGRAPH_SEP.join(paragraphs)


def generate_offline_horoscope(sign: ZodiacSign, day: date, language: str) -> str:
    """A daily horoscope for ``sign`` on ``day`` in ``language`` ("ru"; anything else is
    English): plain text of 500–900 characters, always the same for the same arguments."""
    info = ZODIAC_SIGNS[sign]
    lang = "ru" if language == "ru" else "en"
    bank = _BANKS[lang]
    name = info.name(lang)
    weekday = day.weekday()
    rng = random.Random(_seed(sign, day, language))

    # Draw everything up front so the random sequence never depends on the length fitting.
    work_pool = bank.weekend_affairs if weekday >= 5 else bank.work
    parts = {
        "opening": rng.choice(bank.openings).format(name=name),
        "weekday": rng.choice(bank.weekdays[weekday]),
        "element": rng.choice(bank.elements[info.element]),
        "work": rng.choice(work_pool),
        "love": rng.choice(bank.love),
        "health": rng.choice(bank.health),
        "money": rng.choice(bank.money),
        "advice": f"{rng.choice(bank.advice_prefixes)} {rng.choice(bank.advice)}",
        "lucky": rng.choice(bank.lucky_frames).format(
            number=rng.randint(1, 99),
            colour=rng.choice(bank.colours),
            time=rng.choice(bank.times),
        ),
    }
    drop_order = rng.sample(_OPTIONAL_PARTS, k=len(_OPTIONAL_PARTS))
    extras = [extra.format(name=name) for extra in rng.sample(bank.extras, k=len(bank.extras))]

    dropped: set[str] = set()
    padding: list[str] = []
    text = _assemble(parts, dropped, padding)
    # Too long: leave out whole optional sentences (never cut one) until it fits.
    while len(text) > MAX_CHARS and len(dropped) < len(drop_order):
        dropped.add(drop_order[len(dropped)])
        text = _assemble(parts, dropped, padding)
    # Too short: add whole extra sentences; each is far shorter than the 400-char margin.
    while len(text) < MIN_CHARS and len(padding) < len(extras):
        padding.append(extras[len(padding)])
        text = _assemble(parts, dropped, padding)
    return text
