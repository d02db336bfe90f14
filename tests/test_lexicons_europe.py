"""Lexicons es, pt, fr, de, it, ru, tr proved on real help-centre phrasings (no browser).

Each language: contact / support ranking, connect controls recognised by combination (a
connect or chat word + a person noun, in either order, in forms the YAML does not spell out),
gates, callbacks, send / log-out buttons, queue and bot texts, opening hours, contexts,
login, form and URL words. Then cross-language checks: what the crawler taps in one language
is not refused because of another language's words.
"""

from __future__ import annotations

import re

import pytest

from crawler.detect import connects_to_person, control_kind, relevance, service_hours
from crawler.lexicon import KEYS, LEXICON_DIR, default_lexicon, lexicon_for

LANGS = ("es", "pt", "fr", "de", "it", "ru", "tr")
LOCALES = {"es": "es-ES", "pt": "pt-BR", "fr": "fr-FR", "de": "de-DE", "it": "it-IT", "ru": "ru-RU", "tr": "tr-TR"}


def lex_of(lang):
    return lexicon_for(LOCALES[lang])


def kind(label, lang, **kw):
    control = {"label": label, "tag": kw.pop("tag", "button"), "type": kw.pop("type", "button"), **kw}
    return control_kind(control, lex_of(lang))


# --------------------------------------------------------------------------- per-language data
CONTACT = {
    "es": ["Contacto", "Contáctanos", "Atención al cliente", "Servicio al cliente", "Llámanos", "Centro de atención"],
    "pt": ["Contato", "Fale conosco", "Atendimento ao cliente", "Central de atendimento", "SAC", "Contacte-nos"],
    "fr": ["Nous contacter", "Contactez-nous", "Service client", "Relation client", "Nous joindre"],
    "de": ["Kontakt", "Kundenservice", "Kontaktformular", "Service-Hotline", "So erreichen Sie uns"],
    "it": ["Contatti", "Contattaci", "Assistenza clienti", "Servizio clienti", "Numero verde"],
    "ru": ["Контакты", "Связаться с нами", "Служба поддержки", "Горячая линия", "Обратная связь", "Контакт-центр"],
    "tr": ["Bize ulaşın", "İletişim", "Müşteri hizmetleri", "Çağrı merkezi", "BİZE ULAŞIN"],
}
SUPPORT = {
    "es": ["Ayuda", "Centro de ayuda", "Preguntas frecuentes", "Soporte", "¿Necesitas ayuda?"],
    "pt": ["Ajuda", "Central de ajuda", "Perguntas frequentes", "Dúvidas", "Ouvidoria", "Suporte"],
    "fr": ["Aide", "Centre d’aide", "Questions fréquentes", "Assistance", "Besoin d'aide ?", "SAV"],
    "de": ["Hilfe", "Hilfe-Center", "Häufige Fragen", "Service", "Hilfe & Kontakt"],
    "it": ["Aiuto", "Centro assistenza", "Assistenza", "Domande frequenti", "Supporto"],
    "ru": ["Помощь", "Поддержка", "Справка", "Вопросы и ответы", "Центр помощи"],
    "tr": ["Yardım", "Yardım merkezi", "Destek", "Sıkça sorulan sorular", "Çözüm merkezi"],
}
# connect / chat word + person noun, either order, many forms: live-chat entry points (never tapped)
CONNECT = {
    "es": ["Chatear con un agente", "Hablar con un asesor", "Habla con un asesor", "Chatea con una asesora",
           "Un asesor te atiende por chat", "Conectar con un agente", "Contactar con un especialista",
           "Hable con un ejecutivo", "Escríbele a tu gestor", "Asesores: chatea ahora"],
    "pt": ["Falar com atendente", "Conversar com um atendente", "Fale com um especialista", "Chat com atendente",
           "Atendente por chat", "Falar com consultor", "Fale com seu gerente", "Conecte-me a um agente"],
    "fr": ["Parler à un conseiller", "Discuter avec un agent", "Un conseiller par chat", "Contacter un conseiller",
           "Chatter avec une conseillère", "Être mis en relation avec un conseiller", "Écrire à mon conseiller",
           "Tchat avec un téléconseiller"],
    "de": ["Mit einem Mitarbeiter chatten", "Mit Kundenberater sprechen", "Chat mit einer Beraterin",
           "Kundenbetreuer kontaktieren", "Mit einem Servicemitarbeiter sprechen", "Sprechen Sie mit einem Experten",
           "Berater-Chat", "Nachricht an Ihren Ansprechpartner"],
    "it": ["Parla con un operatore", "Chatta con un consulente", "Contatta un operatore", "Parlare con un'operatrice",
           "Un consulente in chat", "Chat con operatore", "Scrivi a un consulente", "Parli con un addetto"],
    "ru": ["Связаться с оператором", "Чат с оператором", "Написать специалисту", "Оператор в чате",
           "Позвать оператора", "Поговорить с консультантом", "Свяжитесь с менеджером", "Переключить на оператора"],
    "tr": ["Müşteri temsilcisine bağlan", "Canlı destek temsilcisi ile görüş", "Temsilciyle görüşün",
           "MÜŞTERİ TEMSİLCİSİNE BAĞLAN", "Temsilciye bağlanın", "Uzmanla konuş", "Danışmanınıza mesaj gönderin",
           "Canlı desteğe bağlan"],
}
# a request for a person without an agent noun: a gate (tapped, counted), as "Talk to a person"
GATE = {
    "es": ["Hablar con una persona", "Chatear con un humano", "Persona real", "Ninguna de estas", "Otra consulta"],
    "pt": ["Falar com uma pessoa", "Conversar com um humano", "Pessoa de verdade", "Outro assunto"],
    "fr": ["Parler à un humain", "Discuter avec une vraie personne", "Aucune de ces réponses", "Autre question"],
    "de": ["Mit einem Menschen sprechen", "Mit einer echten Person chatten", "Anderes Anliegen"],
    "it": ["Parla con una persona", "Chatta con un umano", "Nessuna di queste", "Altra domanda"],
    "ru": ["Связаться с человеком", "Позвать человека", "Живой человек", "Другой вопрос"],
    "tr": ["Bir insanla konuş", "Gerçek bir kişiyle görüş", "Bunların hiçbiri", "Başka bir konu"],
}
CALLBACK = {
    "es": ["Solicitar una llamada", "Te llamamos", "Te llamamos gratis", "Llámame", "Solicita que te llamemos"],
    "pt": ["Nós ligamos para você", "Solicitar ligação", "Agende uma ligação", "Ligamos-lhe", "Me ligue"],
    "fr": ["Rappel gratuit", "Être rappelé", "Demander un rappel", "Se faire rappeler", "Rappel immédiat"],
    "de": ["Rückruf anfordern", "Rückrufservice", "Rückruf vereinbaren", "Kostenloser Rückruf", "Wir rufen Sie zurück"],
    "it": ["Richiedi una richiamata", "Ti richiamiamo noi", "Fatti richiamare", "Richiedi una chiamata", "Richiamami"],
    "ru": ["Заказать обратный звонок", "Обратный звонок", "Перезвоните мне", "Мы вам перезвоним", "Заказать звонок"],
    "tr": ["Sizi arayalım", "SİZİ ARAYALIM", "Beni arayın", "Geri arama talep et", "Sizi geri arayalım"],
}
NEVER = {
    "es": ["Enviar", "Enviar mensaje", "Cerrar sesión", "Eliminar cuenta", "Pagar ahora", "Darse de baja", "Finalizar compra"],
    "pt": ["Enviar", "Enviar mensagem", "Sair", "Terminar sessão", "Excluir conta", "Pagar agora", "Finalizar compra"],
    "fr": ["Envoyer", "Envoyer le message", "Se déconnecter", "Déconnexion", "Supprimer mon compte", "Payer maintenant",
           "Résilier"],
    "de": ["Senden", "Absenden", "Nachricht senden", "Abmelden", "Konto löschen", "Jetzt kaufen",
           "Zahlungspflichtig bestellen", "Vertrag kündigen"],
    "it": ["Invia", "Invia messaggio", "Esci", "Disconnetti", "Elimina account", "Paga ora", "Procedi all'acquisto"],
    "ru": ["Отправить", "Отправить сообщение", "Выйти", "Удалить аккаунт", "Оплатить", "Оформить заказ", "Отписаться"],
    "tr": ["Gönder", "Mesaj gönder", "Çıkış yap", "Oturumu kapat", "Hesabı sil", "Şimdi öde", "Satın al"],
}
# plain navigation, launchers and help sections: tapped
CLICK = {
    "es": ["Ayuda", "Inicio", "Mi cuenta", "Contacto", "Chat", "Chat en vivo", "Centro de ayuda", "Atención al cliente",
           "Asistente virtual", "Chatear con nuestro agente virtual", "Mis pedidos"],
    "pt": ["Ajuda", "Início", "Minha conta", "Contato", "Chat ao vivo", "Atendimento", "Fale conosco", "Assistente virtual"],
    "fr": ["Aide", "Accueil", "Mon compte", "Nous contacter", "Chat en direct", "Tchat", "Service client",
           "Signaler un problème", "Mes commandes"],
    "de": ["Hilfe", "Startseite", "Konto", "Mein Konto", "Kontakt", "Live-Chat", "Kundenservice", "Störung melden",
           "Schaden melden", "Rückrufaktionen", "Berater finden"],
    "it": ["Aiuto", "Home", "Area clienti", "Contatti", "Chat", "Assistenza clienti", "Segnala un guasto",
           "Assistente virtuale"],
    "ru": ["Помощь", "Главная", "Личный кабинет", "Контакты", "Чат", "Служба поддержки", "Обратная связь",
           "Оператор связи", "Войти"],
    "tr": ["Yardım", "Ana sayfa", "Hesabım", "İletişim", "Canlı destek", "Müşteri hizmetleri", "Şikayet",
           "Sanal asistan", "Siparişlerim"],
}
QUEUE = {
    "es": ["Usted es el número 3 en la cola", "Eres el 2 en la fila", "Tiempo de espera estimado: 4 minutos",
           "Te estamos conectando con un asesor"],
    "pt": ["Você é o 3º na fila", "Tempo de espera estimado: 5 min", "Em breve você será atendido",
           "Posição na fila: 2"],
    "fr": ["Vous êtes le 3e dans la file d'attente", "Temps d’attente estimé : 2 min", "Mise en relation en cours..."],
    "de": ["Sie sind Nummer 3 in der Warteschlange", "Geschätzte Wartezeit: 5 Minuten", "Wir verbinden Sie"],
    "it": ["Sei il numero 3 in coda", "Tempo di attesa stimato: 3 minuti", "Ti stiamo mettendo in contatto"],
    "ru": ["Вы 3-й в очереди", "Вы ３ в очереди", "Время ожидания: 2 минуты", "Соединяем вас с оператором"],
    "tr": ["Sırada 3. kişisiniz", "Tahmini bekleme süresi: 2 dakika", "Müşteri temsilcisine aktarılıyorsunuz"],
}
BOT = {
    "es": ["Hola, soy Vai, tu asistente virtual", "¡Hola! Soy Aura, la asistente virtual de Movistar"],
    "pt": ["Olá, eu sou a BIA, assistente virtual do Bradesco", "Sou o seu assistente virtual"],
    "fr": ["Je suis l'assistant virtuel", "Bonjour, je suis Max, votre assistant virtuel."],
    "de": ["Ich bin Ihr digitaler Assistent", "Hallo, ich bin TOBi, der digitale Assistent von Vodafone."],
    "it": ["Ciao, sono l'assistente virtuale", "Sono Ally, il tuo assistente digitale."],
    "ru": ["Я виртуальный помощник", "Здравствуйте! Я — Олег, виртуальный ассистент банка."],
    "tr": ["Merhaba, ben sanal asistanınız", "Merhaba, ben Ceren, dijital asistanınız."],
}
HOURS = {
    "es": [("Atención: Lunes a viernes de 8:00 a 20:00", "Lunes a viernes de 8:00 a 20:00"),
           ("Horario Lun-Vie 8:00 a 20:00", "Lun-Vie 8:00 a 20:00"),
           ("de lunes a sábado de 9 a 21 h", "de lunes a sábado de 9 a 21 h"),
           ("Disponible 24 horas", "24 horas"),
           ("Atención a clientes: lunes a domingo de 8:00 a.m. a 10:00 p.m.", "lunes a domingo de 8:00 a.m. a 10:00 p.m.")],
    "pt": [("Segunda a sexta, das 8h às 20h", "Segunda a sexta, das 8h às 20h"),
           ("Seg. a Sex. 9:00-18:00", "Seg. a Sex. 9:00-18:00"),
           ("SAC 24 horas por dia, 7 dias por semana", "24 horas por dia, 7 dias por semana")],
    "fr": [("Joignable du lundi au vendredi de 9h à 18h", "du lundi au vendredi de 9h à 18h"),
           ("Lun-Ven 9h-18h", "Lun-Ven 9h-18h"), ("Service 24h/24 et 7j/7", "24h/24 et 7j/7")],
    "de": [("Erreichbar Mo–Fr 8–20 Uhr", "Mo–Fr 8–20 Uhr"), ("Mo. - Fr. 8:00 - 20:00 Uhr", "Mo. - Fr. 8:00 - 20:00 Uhr"),
           ("Montag bis Freitag von 8 bis 20 Uhr", "Montag bis Freitag von 8 bis 20 Uhr"),
           ("Wir sind rund um die Uhr für Sie da", "rund um die Uhr")],
    "it": [("Attivo dal lunedì al venerdì dalle 9:00 alle 18:00", "dal lunedì al venerdì dalle 9:00 alle 18:00"),
           ("Lun-Ven 9.00-18.00", "Lun-Ven 9.00-18.00"), ("24 ore su 24, 7 giorni su 7", "24 ore su 24, 7 giorni su 7")],
    "ru": [("Работаем пн–пт с 9:00 до 18:00", "пн–пт с 9:00 до 18:00"), ("Звонок бесплатный, круглосуточно", "круглосуточно"),
           ("Пн-Пт: 9:00-18:00", "Пн-Пт: 9:00-18:00")],
    "tr": [("Hafta içi 09:00-18:00", "Hafta içi 09:00-18:00"), ("Çağrı merkezi 7/24 hizmetinizde", "7/24"),
           ("Pazartesi-Cuma 09:00-18:00", "Pazartesi-Cuma 09:00-18:00")],
}
SERVICE = {
    "es": ["Atención al cliente: 900 100 100", "Teléfono de reclamaciones"],
    "pt": ["Central de atendimento", "SAC: 0800 123 4567"],
    "fr": ["Service client : 09 69 00 00 00", "Appel gratuit"],
    "de": ["Kundenservice: 0800 123 4567", "Kostenlose Servicenummer"],
    "it": ["Assistenza clienti", "Numero verde 800 100 100"],
    "ru": ["Служба поддержки: 8 800 100-00-00", "Горячая линия"],
    "tr": ["Müşteri hizmetleri: 444 0 444", "Çağrı merkezi"],
}
DECOY = {
    "es": ["Ventas", "Franquicias", "Trabaja con nosotros", "Sala de prensa", "Inversores", "Fax", "Emergencias: 112",
           "Policía", "Fraude", "Vende con nosotros"],
    "pt": ["Vendas", "Seja um franqueado", "Trabalhe conosco", "Imprensa", "Relações com investidores", "Fax",
           "Emergência 190", "Lojistas"],
    "fr": ["Service commercial", "Devenir franchisé", "Recrutement", "Presse", "Investisseurs", "Fax",
           "Urgences : 112", "Police", "Contacter le vendeur", "Info Escroqueries", "Finances publiques"],
    "de": ["Vertrieb", "Franchise", "Karriere", "Presse", "Investor Relations", "Fax", "Notruf 112", "Polizei",
           "Händler", "Sperr-Notruf"],
    "it": ["Vendite", "Franchising", "Lavora con noi", "Ufficio stampa", "Investitori", "Fax", "Emergenza 112",
           "Carabinieri", "Rivenditori", "Antifrode"],
    "ru": ["Отдел продаж", "Франшиза", "Вакансии", "Пресс-служба", "Инвесторам", "Факс", "Экстренный вызов 112",
           "Полиция", "Селлерам", "Мошенничество",
           "Единый консультационный центр Роспотребнадзора"],
    "tr": ["Satış", "Bayilik", "Kariyer", "Basın", "Yatırımcı ilişkileri", "Faks", "Acil 112", "Polis",
           "Satıcı destek", "Dolandırıcılık"],
}
EMAIL_NEGATIVE = {
    "es": ["ventas", "prensa", "rrhh", "inversores"], "pt": ["vendas", "imprensa", "rh", "vagas"],
    "fr": ["presse", "jobs", "recrutement", "ventes"], "de": ["presse", "karriere", "vertrieb", "bewerbung"],
    "it": ["lavora con noi", "stampa", "commerciale", "lavoraconnoi"], "ru": ["пресса", "press", "hr", "reklama"],
    "tr": ["kariyer", "satis", "basin", "ik"],
}
EMAIL_SERVICE = {"es": "atencion cliente", "pt": "sac", "fr": "service client", "de": "kundenservice",
                 "it": "assistenza", "ru": "support", "tr": "destek"}
LOGIN = {
    "es": ("Iniciar sesión", "/es/iniciar-sesion"), "pt": ("Entrar", "/conta/entrar"), "fr": ("Connexion", "/connexion"),
    "de": ("Anmelden", "/anmelden"), "it": ("Accedi", "/accedi"), "ru": ("Войти", "/vhod"),
    "tr": ("Giriş yap", "/giris-yap"),
}
DISMISS = {
    "es": ["Aceptar", "Aceptar todas las cookies", "Ahora no"], "pt": ["Aceitar", "Aceitar todos os cookies", "Agora não"],
    "fr": ["Tout accepter", "Accepter", "Continuer sans accepter"], "de": ["Alle akzeptieren", "Akzeptieren", "Nicht jetzt"],
    "it": ["Accetta", "Accetta tutti i cookie", "Non ora"], "ru": ["Принять", "Принять все cookie", "Не сейчас"],
    "tr": ["Kabul et", "Tümünü kabul et", "Şimdi değil"],
}
FORM = {
    "es": ["Mensaje", "Tu consulta", "Describe tu problema"], "pt": ["Mensagem", "Descreva sua dúvida"],
    "fr": ["Votre message", "Décrivez votre demande"], "de": ["Ihre Nachricht", "Ihr Anliegen"],
    "it": ["Messaggio", "Descrivi la tua richiesta"], "ru": ["Сообщение", "Опишите проблему"],
    "tr": ["Mesajınız", "Açıklama"],
}
SEARCH = {"es": "Buscar", "pt": "Pesquisar", "fr": "Rechercher", "de": "Suche", "it": "Cerca", "ru": "Поиск", "tr": "Arama"}
UNLIKELY = {"es": "Trabaja con nosotros", "pt": "Trabalhe conosco", "fr": "Mentions légales", "de": "Impressum",
            "it": "Lavora con noi", "ru": "Вакансии", "tr": "Kariyer"}
UGC = {"es": "/comunidad/foro/hilo-123", "pt": "/comunidade/topico", "fr": "/forum/discussion", "de": "/community/forum",
       "it": "/community/discussione", "ru": "/forum/otzyvy", "tr": "/topluluk/yorumlar"}
SUPPORT_URL = {"es": "https://x.example/ayuda/", "pt": "https://x.example/atendimento", "fr": "https://x.example/aide",
               "de": "https://x.example/hilfe", "it": "https://x.example/assistenza", "ru": "https://x.example/podderzhka/",
               "tr": "https://x.example/yardim"}
CONTACT_URL = {"es": "https://x.example/contacto", "pt": "https://x.example/fale-conosco", "fr": "https://x.example/nous-contacter",
               "de": "https://x.example/kontakt", "it": "https://x.example/contatti", "ru": "https://x.example/kontakty",
               "tr": "https://x.example/iletisim"}
COMPOSER = {"es": "widget-conversacion", "pt": "conversa-input", "fr": "tchat-input", "de": "chatfenster",
            "it": "conversazione-box", "ru": "dialog-input", "tr": "sohbet-alani"}


def cases(table):
    return [(lang, item) for lang in LANGS for item in table[lang]]


# --------------------------------------------------------------------------- files
def test_every_european_lexicon_has_every_key():
    import yaml

    for lang in LANGS:
        data = yaml.safe_load((LEXICON_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
        for key in KEYS:
            assert data.get(key), f"{lang}.yaml: {key} empty"
            for pattern in data[key]:
                re.compile(pattern)


@pytest.mark.parametrize("lang,locale", [("es", "es-MX"), ("pt", "pt-PT"), ("fr", "fr-CA"), ("de", "de-AT"),
                                         ("it", "it-CH"), ("ru", "ru"), ("tr", "tr_TR")])
def test_locale_variants_read_the_language(lang, locale):
    assert set(lexicon_for(locale).languages) == {lang, "en"}


# --------------------------------------------------------------------------- ranking
@pytest.mark.parametrize("lang,label", cases(CONTACT))
def test_contact_labels_rank_first(lang, label):
    assert relevance(label, lex_of(lang)) >= 9
    assert kind(label, lang, tag="a") == "click"


@pytest.mark.parametrize("lang,label", cases(SUPPORT))
def test_support_labels_rank_high(lang, label):
    lex = lex_of(lang)
    assert relevance(label, lex) >= 7 > relevance(UNLIKELY[lang], lex)
    assert kind(label, lang, tag="a") == "click"


@pytest.mark.parametrize("lang", LANGS)
def test_urls_of_help_and_contact_pages(lang):
    lex = lex_of(lang)
    assert relevance("", lex, SUPPORT_URL[lang]) >= 6
    assert relevance("", lex, CONTACT_URL[lang]) >= 6
    assert relevance(UNLIKELY[lang], lex) < 0


# --------------------------------------------------------------------------- controls
@pytest.mark.parametrize("lang,label", cases(CONNECT))
def test_connect_by_combination(lang, label):
    assert kind(label, lang) == "human_connect"
    assert relevance(label, lex_of(lang)) == 10


@pytest.mark.parametrize("lang,label", cases(CONNECT))
def test_connect_is_refused_whatever_the_app_language(lang, label):
    # safety keys come from every language: an English app does not tap a Spanish connect button
    assert control_kind({"label": label, "tag": "a"}, lexicon_for("en-US")) == "human_connect"


@pytest.mark.parametrize("lang,label", cases(GATE))
def test_request_for_a_person_is_a_gate(lang, label):
    assert kind(label, lang) == "human_request"


@pytest.mark.parametrize("lang,label", cases(CALLBACK))
def test_callbacks(lang, label):
    assert kind(label, lang) == "callback"


@pytest.mark.parametrize("lang,label", cases(NEVER))
def test_send_log_out_delete_pay_are_never_tapped(lang, label):
    assert kind(label, lang) == "never"  # a plain button, outside any form
    assert control_kind({"label": label, "tag": "button", "type": "button"}, default_lexicon()) == "never"


@pytest.mark.parametrize("lang,label", cases(CLICK))
def test_navigation_and_launchers_are_tapped(lang, label):
    assert kind(label, lang) == "click"
    assert kind(label, lang, tag="a") == "click"


@pytest.mark.parametrize("lang", LANGS)
def test_long_card_is_not_a_connect_button(lang):
    card = CONNECT[lang][0] + " — " + SUPPORT[lang][0] + " " + " ".join(CONTACT[lang])
    assert len(card) > 40 and not connects_to_person(card, lex_of(lang))


# a person noun made a bot by its adjective (after the noun in Romance languages, before it elsewhere)
VIRTUAL = {
    "es": ["Chatear con nuestro agente virtual", "Habla con el asesor virtual"],
    "pt": ["Fale com nossa atendente virtual", "Converse com o consultor digital"],
    "fr": ["Parler à notre conseiller virtuel", "Discuter avec l'opératrice virtuelle"],
    "de": ["Chat mit dem digitalen Berater", "Mit einem KI-Berater chatten", "Mit dem virtuellen Agenten chatten"],
    "it": ["Parla con l'operatore virtuale", "Chatta con il consulente digitale"],
    "ru": ["Чат с виртуальным консультантом", "Написать виртуальному оператору"],
    "tr": ["Sanal temsilciyle görüş", "Dijital danışmanla konuş"],
}
# a sales demo or a salesperson's call: never tapped, and somebody else's (not the app's callback)
SALES_CALLBACK = {
    "es": ["Agendar una demostración", "Solicitar una demo"], "pt": ["Agendar uma demonstração", "Solicite uma demo"],
    "fr": ["Réserver une démo", "Être rappelé par un commercial"], "de": ["Demo vereinbaren", "Produktdemo anfordern"],
    "it": ["Richiedi una demo", "Prenota una demo"], "ru": ["Заказать звонок менеджера по продажам", "Запросить демо"],
    "tr": ["Demo talep edin", "Satış ekibi sizi arayalım"],
}


@pytest.mark.parametrize("lang,label", cases(VIRTUAL))
def test_virtual_agent_is_not_a_person(lang, label):
    assert kind(label, lang) == "click"
    assert control_kind({"label": label, "tag": "button"}, default_lexicon()) == "click"


@pytest.mark.parametrize("lang,label", cases(SALES_CALLBACK))
def test_sales_demo_and_sales_callback_are_never_tapped_and_not_service(lang, label):
    lex = lex_of(lang)
    assert kind(label, lang) == "callback"
    assert lex.has("decoy_context", label)


# --------------------------------------------------------------------------- texts
@pytest.mark.parametrize("lang,text", cases(QUEUE))
def test_queue_texts(lang, text):
    assert lex_of(lang).has("queue", text)


@pytest.mark.parametrize("lang,text", cases(BOT))
def test_bot_introductions(lang, text):
    assert lex_of(lang).has("bot_identity", text)


@pytest.mark.parametrize("lang", LANGS)
def test_launcher_label_is_not_a_bot_introduction(lang):
    lex = lex_of(lang)
    for label in (CONTACT[lang][0], SUPPORT[lang][0], "Chat"):
        assert not lex.has("bot_identity", label)


@pytest.mark.parametrize("lang,text,expected", [(lang, t, e) for lang in LANGS for t, e in HOURS[lang]])
def test_service_hours(lang, text, expected):
    assert service_hours(text, lex_of(lang)) == expected


@pytest.mark.parametrize("lang,text", [("es", "Entrega de 3 a 5 días hábiles"), ("pt", "Prazo de 3 a 5 dias úteis"),
                                       ("fr", "Livraison sous 3 à 5 jours"), ("de", "Lieferung in 3-5 Werktagen"),
                                       ("it", "Consegna in 3-5 giorni"), ("ru", "Доставка 3-5 дней"),
                                       ("tr", "3-5 iş günü içinde teslimat")])
def test_delivery_times_are_not_opening_hours(lang, text):
    assert service_hours(text, lex_of(lang)) is None


# --------------------------------------------------------------------------- contexts
@pytest.mark.parametrize("lang,text", cases(SERVICE))
def test_service_context(lang, text):
    lex = lex_of(lang)
    assert lex.has("service_context", text) and not lex.has("decoy_context", text)


@pytest.mark.parametrize("lang,text", cases(DECOY))
def test_decoy_context(lang, text):
    assert lex_of(lang).has("decoy_context", text)


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_digits_inside_a_number_are_not_decoys(lang):
    lex = lex_of(lang)
    assert not lex.has("decoy_context", "Tel. 0800 112 233")
    assert not lex.has("decoy_context", "+34 912 345 678")


@pytest.mark.parametrize("lang", LANGS)
def test_email_local_parts(lang):
    lex = lex_of(lang)
    for local in EMAIL_NEGATIVE[lang]:
        assert lex.has("email_negative", local), local
    assert not lex.has("email_negative", EMAIL_SERVICE[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_login_words_and_paths(lang):
    lex = lex_of(lang)
    word, path = LOGIN[lang]
    assert lex.has("login", word) and lex.has("login_url", path)
    assert not lex.has("login_url", SUPPORT_URL[lang].split("example", 1)[1])
    assert kind(word, lang, tag="a") == "click"  # a sign-in link is not destructive


@pytest.mark.parametrize("lang", LANGS)
def test_dismiss_buttons(lang):
    lex = lex_of(lang)
    for label in DISMISS[lang]:
        assert lex.has("dismiss", label), label
        assert kind(label, lang) == "click", label


@pytest.mark.parametrize("lang", LANGS)
def test_form_search_composer_and_forum_words(lang):
    lex = lex_of(lang)
    for label in FORM[lang]:
        assert lex.has("web_form_field", label) and not lex.has("search_field", label), label
    assert lex.has("search_field", SEARCH[lang])
    assert lex.has("chat_composer", COMPOSER[lang])
    assert not lex.has("chat_composer", "contact-form message-field")
    assert lex.has("ugc_page", re.sub(r"[/_\-.]+", " ", UGC[lang]))
    assert not lex.has("ugc_page", re.sub(r"[/_\-.]+", " ", SUPPORT_URL[lang]))


# --------------------------------------------------------------------------- across languages
ALL_NAV = sorted({label for lang in LANGS for label in CLICK[lang] + CONTACT[lang] + SUPPORT[lang]} |
                 {"Live chat", "Chat", "Help centre", "Contact us", "Ayuda", "Centro de ayuda", "Live-Chat"})


@pytest.mark.parametrize("label", ALL_NAV)
def test_no_language_refuses_another_languages_navigation(label):
    lex = default_lexicon()  # every language's words at once
    assert control_kind({"label": label, "tag": "button", "type": "button"}, lex) == "click"
    assert control_kind({"label": label, "tag": "a"}, lex) == "click"


@pytest.mark.parametrize("label", sorted({t for lang in LANGS for t in CONTACT[lang] + SUPPORT[lang]}))
def test_no_decoy_word_of_any_language_hits_customer_service(label):
    lex = default_lexicon()
    assert not lex.has("decoy_context", label), lex.search("decoy_context", label)


@pytest.mark.parametrize("lang,label", cases(DECOY))
def test_decoy_labels_are_tapped_not_refused(lang, label):
    assert control_kind({"label": label, "tag": "a"}, default_lexicon()) == "click"


def test_english_rules_unchanged_by_european_words():
    lex = lexicon_for("en-US")
    assert control_kind({"label": "Talk to a person", "tag": "button"}, lex) == "human_request"
    assert control_kind({"label": "Talk to an agent", "tag": "button"}, lex) == "human_connect"
    assert control_kind({"label": "Live chat", "tag": "button"}, lex) == "click"
    assert control_kind({"label": "Help", "tag": "button"}, lex) == "click"
    assert control_kind({"label": "Personal banking", "tag": "a"}, lex) == "click"
