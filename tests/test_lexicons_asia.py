"""Lexicons of ja, ko, vi, id, ms, th, ar proved on real help-centre phrasings (no browser).

Each label below is written the way airlines, banks, carriers, e-commerce apps, government
portals and super-apps write it. Connect labels are recognised by COMBINATION (a connect /
chat verb + a person noun, either order); several of them are written nowhere in the YAML.
"""

from __future__ import annotations

import pytest
import yaml

from crawler.detect import (
    PageView,
    connects_to_person,
    control_kind,
    detect,
    detect_emails,
    detect_phones,
    relevance,
    service_hours,
    web_form_field,
)
from crawler.lexicon import KEYS, LEXICON_DIR, language_of, lexicon_for

LOCALES = {"ja": "ja-JP", "ko": "ko-KR", "vi": "vi-VN", "id": "id-ID", "ms": "ms-MY", "th": "th-TH", "ar": "ar-SA"}
REGIONS = {"ja": "JP", "ko": "KR", "vi": "VN", "id": "ID", "ms": "MY", "th": "TH", "ar": "SA"}


def lex(lang):
    return lexicon_for(LOCALES[lang])


def kind(label, lang, tag="button", type_="button"):
    return control_kind({"label": label, "tag": tag, "type": type_}, lex(lang))


def block(text, **kw):
    return {"text": text, "tag": "p", "heading": kw.pop("heading", ""), "control": False, "href": "", "frame": 0, **kw}


# --------------------------------------------------------------------------- files
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_key_present_and_non_empty(lang):
    data = yaml.safe_load((LEXICON_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert set(data) == set(KEYS)
    for key in KEYS:
        assert data[key] and all(isinstance(p, str) and p for p in data[key]), key
    assert set(lex(lang).languages) == {lang, "en"}


@pytest.mark.parametrize("locale,lang", [
    ("ja-JP", "ja"), ("ja", "ja"), ("ko-KR", "ko"), ("vi-VN", "vi"), ("id-ID", "id"), ("in-ID", "id"),
    ("ms-MY", "ms"), ("th-TH", "th"), ("ar-SA", "ar"), ("ar-AE", "ar"), ("ar-EG", "ar"),
])
def test_locales_map_to_the_lexicons(locale, lang):
    assert language_of(locale) == lang


# --------------------------------------------------------------------------- connect controls
CONNECT = [
    # ja: オペレーター / 担当者 / スタッフ / 有人 + 話す / つなぐ / チャット / 相談 / 切り替え / 通話
    ("ja", "オペレーターと話す"), ("ja", "オペレーターにつなぐ"), ("ja", "担当者とチャット"),
    ("ja", "チャットでオペレーターに相談"), ("ja", "オペレーターに切り替える"), ("ja", "スタッフと話したい"),
    ("ja", "有人チャット"), ("ja", "有人チャットで相談する"), ("ja", "係員を呼び出す"), ("ja", "オペレータ－と通話"),
    # ko: 상담원 / 상담사 / 직원 / 담당자 + 연결 / 채팅 / 대화 / 통화 / 전환
    ("ko", "상담원 연결"), ("ko", "상담사와 채팅"), ("ko", "상담원과 대화하기"), ("ko", "채팅 상담원 연결하기"),
    ("ko", "상담사 연결"), ("ko", "상담원으로 전환"), ("ko", "직원과 통화하기"), ("ko", "담당자 연결"),
    # vi
    ("vi", "Chat với nhân viên"), ("vi", "Kết nối tư vấn viên"), ("vi", "Gặp tổng đài viên"),
    ("vi", "Trò chuyện với chuyên viên CSKH"), ("vi", "Nhân viên tư vấn - Chat ngay"), ("vi", "Ket noi nhan vien"),
    ("vi", "Chuyển sang nhân viên hỗ trợ"), ("vi", "Nhắn tin cho tư vấn viên"),
    # id
    ("id", "Chat dengan agen"), ("id", "Hubungkan ke agen"), ("id", "Bicara dengan petugas"),
    ("id", "Ngobrol sama agen CS"), ("id", "Agen kami - chat sekarang"), ("id", "Obrolan langsung dengan agen"), ("id", "Sambungkan saya ke petugas layanan"),
    # ms
    ("ms", "Bercakap dengan ejen"), ("ms", "Sembang dengan ejen"), ("ms", "Hubungkan saya dengan pegawai"),
    ("ms", "Berbual dengan wakil khidmat pelanggan"), ("ms", "Ejen langsung: sembang"),
    # th
    ("th", "แชทกับเจ้าหน้าที่"), ("th", "คุยกับพนักงาน"), ("th", "เชื่อมต่อเจ้าหน้าที่"), ("th", "คุยกับแอดมิน"),
    ("th", "โอนสายไปยังเจ้าหน้าที่"), ("th", "เจ้าหน้าที่ แชทเลย"), ("th", "สนทนากับตัวแทนฝ่ายบริการ"),
    # ar
    ("ar", "تحدث مع موظف"), ("ar", "الدردشة مع وكيل خدمة العملاء"), ("ar", "تواصل مع أحد موظفينا"),
    ("ar", "المحادثة مع ممثل خدمة العملاء"), ("ar", "حولني إلى موظف"), ("ar", "اتصل بموظف"),
    ("ar", "موظف خدمة العملاء - دردشة"), ("ar", "تكلم مع مستشار"),
]


@pytest.mark.parametrize("lang,label", CONNECT)
def test_connect_labels_are_entry_points(lang, label):
    assert kind(label, lang) == "human_connect"
    assert connects_to_person(label, lex(lang))
    assert relevance(label, lex(lang)) == 10


# Not written anywhere as a whole phrase: only the connect word + person noun combination finds them.
COMBINATION_ONLY = [
    ("ja", "オペレーターにつなぐ"), ("ja", "チャットでオペレーターに相談"), ("ja", "スタッフと話したい"),
    ("ko", "상담원과 대화하기"), ("ko", "직원과 통화하기"), ("ko", "상담원으로 전환"),
    ("vi", "Nhân viên tư vấn - Chat ngay"), ("vi", "Chuyển sang nhân viên hỗ trợ"),
    ("id", "Agen kami - chat sekarang"), ("id", "Obrolan langsung dengan agen"),
    ("ms", "Ejen langsung: sembang"), ("ms", "Berbual dengan wakil khidmat pelanggan"),
    ("th", "คุยกับพนักงาน"), ("th", "เจ้าหน้าที่ แชทเลย"),
    ("ar", "موظف خدมة العملاء - دردشة"), ("ar", "تكلم مع مستشار"), ("ar", "اتصل بموظف"),
]


@pytest.mark.parametrize("lang,label", COMBINATION_ONLY)
def test_connect_found_by_combination_not_by_a_whole_phrase(lang, label):
    assert not lex(lang).has("human_connect", label)
    assert kind(label, lang) == "human_connect"


def test_a_connect_card_with_a_paragraph_is_not_a_button():
    card = "オペレーターとチャットでご相談いただけます。受付時間は平日9:00～18:00です。お気軽にどうぞ。"
    assert len(card) > 40 and kind(card, "ja", tag="a") != "human_connect"


@pytest.mark.parametrize("lang,label", [
    # bots named like agents, dealers, sales staff, drivers, sellers: no person to connect to
    ("ja", "AIオペレーターとチャット"), ("ko", "AI 상담원과 채팅"), ("ko", "상담사례 보기"),
    ("id", "Chat dengan agen virtual"), ("id", "Agen BRILink terdekat"), ("ms", "Sembang dengan ejen maya"),
    ("th", "คุยกับพนักงานขาย"), ("th", "คุยกับคนขับ"), ("th", "ตัวแทนจำหน่าย"),
    ("vi", "Chat với người bán"), ("vi", "Nhân viên ảo"), ("ar", "وكيل معتمد"), ("ar", "تحويل رواتب"),
])
def test_look_alikes_do_not_connect(lang, label):
    assert kind(label, lang) != "human_connect"


# --------------------------------------------------------------------------- gates
# A request for a person WITHOUT a connect verb / agent noun is a gate, as in English
# ("Talk to a person" is a gate, "Talk to an agent" connects). "Contact an agent" (ติดต่อ,
# Liên hệ, Hubungi) names no channel either: a gate, tapped and counted.
GATES = [
    ("ja", "有人対応"), ("ja", "有人対応をご希望の方"), ("ja", "人と話したい"), ("ja", "オペレーターに問い合わせ"),
    ("ko", "사람 상담"), ("ko", "사람과 대화하기"), ("ko", "실제 사람과 이야기할래요"),
    ("vi", "Nói chuyện với người thật"), ("vi", "Liên hệ nhân viên"), ("vi", "Vẫn cần hỗ trợ"),
    ("id", "Bicara dengan manusia"), ("id", "Hubungi agen"), ("id", "Masih butuh bantuan"),
    ("ms", "Bercakap dengan manusia"), ("ms", "Hubungi pegawai"), ("ms", "Masih perlukan bantuan"),
    ("th", "ติดต่อเจ้าหน้าที่"), ("th", "คุยกับคนจริง"), ("th", "ติดต่อพนักงาน"),
    ("ar", "التحدث مع شخص حقيقي"), ("ar", "أريد التحدث مع إنسان"), ("ar", "الدعم البشري"),
]


@pytest.mark.parametrize("lang,label", GATES)
def test_person_requests_without_a_connect_word_are_gates(lang, label):
    assert kind(label, lang) == "human_request"
    assert relevance(label, lex(lang)) >= 8.5


# --------------------------------------------------------------------------- callbacks
CALLBACKS = [
    ("ja", "折り返し電話を依頼"), ("ja", "コールバック予約"), ("ja", "オペレーターからの折り返し電話"),
    ("ko", "전화 상담 예약"), ("ko", "콜백 신청"), ("ko", "상담원 전화 요청"),
    ("vi", "Yêu cầu gọi lại"), ("vi", "Yêu cầu nhân viên gọi lại"), ("vi", "Yeu cau goi lai"),
    ("id", "Minta ditelepon kembali"), ("id", "Minta panggilan balik"), ("id", "Jadwalkan telepon kembali"),
    ("ms", "Minta panggilan balik"), ("ms", "Mohon panggilan semula"), ("ms", "Hubungi saya semula"),
    ("th", "ขอให้โทรกลับ"), ("th", "ขอให้เจ้าหน้าที่โทรกลับ"), ("th", "ฝากเบอร์ให้ติดต่อกลับ"),
    ("ar", "طلب معاودة الاتصال"), ("ar", "اطلب معاودة الاتصال"), ("ar", "اتصلوا بي"),
]


@pytest.mark.parametrize("lang,label", CALLBACKS)
def test_callback_requests(lang, label):
    assert kind(label, lang) == "callback"


# --------------------------------------------------------------------------- never
NEVER = [
    ("ja", "送信"), ("ja", "送信する"), ("ja", "ログアウト"), ("ja", "アカウントを削除"), ("ja", "今すぐ購入"),
    ("ja", "注文を確定する"),
    ("ko", "보내기"), ("ko", "전송"), ("ko", "로그아웃"), ("ko", "회원탈퇴"), ("ko", "결제하기"), ("ko", "바로구매"),
    ("vi", "Gửi"), ("vi", "Gửi yêu cầu"), ("vi", "Đăng xuất"), ("vi", "Xóa tài khoản"), ("vi", "Thanh toán ngay"),
    ("vi", "Mua ngay"),
    ("id", "Kirim"), ("id", "Kirim pesan"), ("id", "Keluar"), ("id", "Hapus akun"), ("id", "Bayar sekarang"),
    ("id", "Beli sekarang"),
    ("ms", "Hantar"), ("ms", "Log keluar"), ("ms", "Padam akaun"), ("ms", "Bayar sekarang"), ("ms", "Serahkan"),
    ("th", "ส่ง"), ("th", "ส่งข้อความ"), ("th", "ออกจากระบบ"), ("th", "ลบบัญชี"), ("th", "ชำระเงินทันที"),
    ("th", "ซื้อเลย"),
    ("ar", "إرسال"), ("ar", "ارسال"), ("ar", "تسجيل الخروج"), ("ar", "حذف الحساب"), ("ar", "ادفع الآن"),
    ("ar", "إتمام الشراء"),
]


@pytest.mark.parametrize("lang,label", NEVER)
def test_send_submit_logout_delete_pay_are_never_tapped(lang, label):
    assert kind(label, lang) == "never"  # a plain button, not inside a form


@pytest.mark.parametrize("label", ["送信", "보내기", "Gửi", "Kirim", "Hantar", "ส่ง", "إرسال", "상담원 연결", "แชทกับเจ้าหน้าที่"])
def test_safety_words_hold_for_an_app_in_another_language(label):
    # an English app with a Korean / Thai widget still never sends or connects
    assert kind(label, "ja") in ("never", "human_connect")
    assert control_kind({"label": label, "tag": "button", "type": "button"}, lexicon_for("en-US")) in ("never", "human_connect")


# --------------------------------------------------------------------------- navigation
CONTACT_SUPPORT = [
    ("ja", "お問い合わせ"), ("ja", "サポート"), ("ja", "ヘルプ"), ("ja", "よくあるご質問"), ("ja", "カスタマーサポート"),
    ("ko", "고객센터"), ("ko", "문의하기"), ("ko", "1:1 문의"), ("ko", "자주 묻는 질문"), ("ko", "도움말"),
    ("vi", "Liên hệ"), ("vi", "Trung tâm trợ giúp"), ("vi", "Trợ giúp"), ("vi", "Chăm sóc khách hàng"),
    ("vi", "Câu hỏi thường gặp"), ("vi", "Lien he"),
    ("id", "Hubungi kami"), ("id", "Pusat bantuan"), ("id", "Bantuan"), ("id", "Layanan pelanggan"),
    ("ms", "Hubungi kami"), ("ms", "Pusat bantuan"), ("ms", "Soalan lazim"), ("ms", "Khidmat pelanggan"),
    ("th", "ติดต่อเรา"), ("th", "ศูนย์ช่วยเหลือ"), ("th", "ช่วยเหลือ"), ("th", "คำถามที่พบบ่อย"), ("th", "คอลเซ็นเตอร์"),
    ("ar", "اتصل بنا"), ("ar", "مركز المساعدة"), ("ar", "المساعدة"), ("ar", "الأسئلة الشائعة"), ("ar", "خدمة العملاء"),
    ("ar", "تواصل معنا"),
]


@pytest.mark.parametrize("lang,label", CONTACT_SUPPORT)
def test_contact_and_support_labels_rank_high_and_are_tapped(lang, label):
    assert relevance(label, lex(lang)) >= 7
    assert kind(label, lang, tag="a") == "click"


@pytest.mark.parametrize("lang,label,rank", [
    ("ja", "お問い合わせ", 9), ("ko", "문의하기", 9), ("vi", "Liên hệ", 9), ("id", "Hubungi kami", 9),
    ("ms", "Hubungi kami", 9), ("th", "ติดต่อเรา", 9), ("ar", "اتصل بنا", 9),
    ("ja", "マイページ", 5), ("ko", "마이페이지", 5), ("vi", "Tài khoản", 5), ("id", "Akun", 5), ("ms", "Akaun", 5),
    ("th", "บัญชีของฉัน", 5), ("ar", "حسابي", 5),
])
def test_contact_ranks_first_and_account_tabs_medium(lang, label, rank):
    assert relevance(label, lex(lang)) == rank


@pytest.mark.parametrize("lang,label", [
    ("ja", "ヘルプ"), ("ja", "ホーム"), ("ja", "マイページ"), ("ja", "カスタマーサポート"), ("ja", "お客様センター"),
    ("ko", "고객센터"), ("ko", "마이페이지"), ("ko", "홈"), ("ko", "고객센터 전화 연결"),
    ("vi", "Trợ giúp"), ("vi", "Trang chủ"), ("vi", "Chăm sóc khách hàng"),
    ("id", "Bantuan"), ("id", "Akun"), ("id", "Beranda"), ("id", "Layanan pelanggan"),
    ("ms", "Bantuan"), ("ms", "Akaun"), ("ms", "Utama"),
    ("th", "ช่วยเหลือ"), ("th", "หน้าแรก"), ("th", "บริการลูกค้า"),
    ("ar", "حسابي"), ("ar", "المساعدة"), ("ar", "الرئيسية"), ("ar", "الملف الشخصي"), ("ar", "خدمة العملاء"),
])
def test_navigation_is_tapped(lang, label):
    # generic customer-service words are not person nouns: the crawler must tap 고객센터, カスタマーサポート
    assert kind(label, lang, tag="a") not in ("never", "human_connect", "callback")
    assert kind(label, lang, tag="button") not in ("never", "human_connect", "callback")


@pytest.mark.parametrize("lang,label", [
    ("ja", "チャット"), ("ja", "チャットで相談"), ("ja", "AIチャット"), ("ko", "채팅 상담"), ("ko", "챗봇"),
    ("vi", "Chat ngay"), ("vi", "Trò chuyện"), ("id", "Live chat"), ("id", "Chat"), ("ms", "Sembang"),
    ("th", "แชท"), ("th", "แชทกับเรา"), ("ar", "الدردشة المباشرة"), ("ar", "دردشة"), ("en", "Live chat"),
])
def test_a_plain_chat_launcher_is_tapped_not_a_connect(lang, label):
    lx = lexicon_for("en-US") if lang == "en" else lex(lang)
    assert control_kind({"label": label, "tag": "button", "type": "button"}, lx) == "click"
    assert relevance(label, lx) == 8


# --------------------------------------------------------------------------- queue, bot, hours
QUEUE = [
    ("ja", "順番待ち 3人"), ("ja", "現在の待ち人数：3人"), ("ja", "ただいまオペレーターにおつなぎしています"),
    ("ko", "대기 인원 3명"), ("ko", "상담원 연결 대기 중입니다"), ("ko", "대기 중"), ("ko", "고객님 앞에 5명이 대기하고 있습니다"),
    ("vi", "Bạn đang ở vị trí số 3 trong hàng đợi"), ("vi", "Thời gian chờ dự kiến: 5 phút"),
    ("id", "Anda berada di antrean ke-3"), ("id", "Mohon tunggu giliran Anda"), ("id", "Nomor antrian Anda: 5"),
    ("ms", "Anda berada di giliran ke-3"), ("ms", "Sila tunggu, anda dalam barisan"),
    ("th", "คุณอยู่คิวที่ 3"), ("th", "คิวที่ ๓"), ("th", "กำลังเชื่อมต่อกับเจ้าหน้าที่ กรุณารอสักครู่"),
    ("ar", "أنت رقم 3 في قائمة الانتظار"), ("ar", "أنت رقم ٣ في قائمة الانتظار"), ("ar", "جارٍ تحويلك إلى موظف خدمة العملاء"),
]


@pytest.mark.parametrize("lang,text", QUEUE)
def test_queue_texts(lang, text):
    assert lex(lang).has("queue", text)


@pytest.mark.parametrize("lang,text", [
    ("ja", "QRコードを読み取ってください"), ("ko", "배송 대기중"), ("ko", "결제 대기 중인 주문"), ("th", "สแกนคิวอาร์โค้ด"),
    ("vi", "Vị trí tuyển dụng 3"), ("id", "Giliran kerja"), ("ar", "الملف الشخصي"),
])
def test_ordinary_texts_are_not_queues(lang, text):
    assert not lex(lang).has("queue", text)


BOTS = [
    ("ja", "私はAIアシスタントの花子です。ご質問をどうぞ。"), ("ja", "AIチャットボットがお答えします"),
    ("ko", "안녕하세요! 저는 챗봇 토리입니다."), ("ko", "AI 상담사 입니다. 무엇을 도와드릴까요?"),
    ("vi", "Xin chào, tôi là trợ lý ảo của Vietjet."), ("vi", "Em là chatbot của Shopee"),
    ("id", "Halo, saya VIRA, asisten virtual BCA."), ("id", "Saya asisten virtual Telkomsel"),
    ("ms", "Hai! Saya ialah pembantu maya Maybank."), ("ms", "Saya chatbot Celcom"),
    ("th", "สวัสดีค่ะ ฉันคือแชทบอทของธนาคาร"), ("th", "น้องมะลิ ผู้ช่วยอัจฉริยะ ยินดีให้บริการค่ะ"),
    ("ar", "مرحباً، أنا المساعد الافتراضي لمصرف الراجحي"), ("ar", "معك المساعد الذكي، كيف أقدر أساعدك؟"),
]


@pytest.mark.parametrize("lang,text", BOTS)
def test_bot_self_introductions(lang, text):
    assert lex(lang).has("bot_identity", text)


@pytest.mark.parametrize("lang,text", [
    ("ja", "私は会員です"), ("ko", "저는 회원입니다"), ("ar", "أنا بحاجة إلى مساعدة"), ("id", "Saya butuh bantuan"),
])
def test_a_user_message_is_not_a_bot(lang, text):
    assert not lex(lang).has("bot_identity", text)


HOURS = [
    ("ja", "受付時間：平日 9:00～17:00（土日祝除く）", "平日 9:00～17:00（土日祝除く）"),
    ("ja", "年中無休でお電話を受け付けています", "年中無休"),
    ("ja", "24時間受付", "24時間受付"),
    ("ja", "受付 午前9時～午後6時", "午前9時～午後6時"),
    ("ja", "平日９：００～１８：００", "平日９：００～１８：００"),
    ("ko", "운영시간 평일 09:00~18:00 (주말 및 공휴일 휴무)", "평일 09:00~18:00 (주말 및 공휴일 휴무)"),
    ("ko", "연중무휴 상담", "연중무휴"),
    ("ko", "상담시간 오전 9시~오후 6시", "오전 9시~오후 6시"),
    ("vi", "Giờ làm việc: Thứ Hai - Thứ Sáu 8:00 - 17:00", "Thứ Hai - Thứ Sáu 8:00 - 17:00"),
    ("vi", "Tổng đài hỗ trợ 24/24", "24/24"),
    ("vi", "Từ 8h00 - 17h00 các ngày trong tuần", "8h00 - 17h00 các ngày trong tuần"),
    ("id", "Senin-Jumat 08.00-17.00 WIB", "Senin-Jumat 08.00-17.00 WIB"),
    ("id", "Layanan 24 jam", "24 jam"),
    ("id", "Senin s.d. Jumat pukul 08.00 - 17.00 WIB", "Senin s.d. Jumat pukul 08.00 - 17.00 WIB"),
    ("ms", "Isnin-Jumaat 9 pg - 6 ptg", "Isnin-Jumaat 9 pg - 6 ptg"),
    ("ms", "Isnin hingga Jumaat 8.30 pagi - 5.30 petang", "Isnin hingga Jumaat 8.30 pagi - 5.30 petang"),
    ("ms", "Talian dibuka 24 jam", "24 jam"),
    ("th", "จันทร์-ศุกร์ 08:30-17:30 น.", "จันทร์-ศุกร์ 08:30-17:30 น."),
    ("th", "บริการตลอด 24 ชั่วโมง", "ตลอด 24 ชั่วโมง"),
    ("th", "วันจันทร์ - วันศุกร์ เวลา ๘.๓๐ - ๑๗.๓๐ น.", "วันจันทร์ - วันศุกร์ เวลา ๘.๓๐ - ๑๗.๓๐ น."),
    ("ar", "من الأحد إلى الخميس ٨:٠٠ - ١٦:٠٠", "من الأحد إلى الخميس ٨:٠٠ - ١٦:٠٠"),
    ("ar", "خدمة العملاء على مدار الساعة", "على مدار الساعة"),
    ("ar", "من 9 صباحاً حتى 5 مساءً", "9 صباحاً حتى 5 مساءً"),
]


@pytest.mark.parametrize("lang,text,expected", HOURS)
def test_service_hours(lang, text, expected):
    assert service_hours(text, lex(lang)) == expected


# --------------------------------------------------------------------------- contexts
SERVICE = [
    ("ja", "カスタマーサービス"), ("ja", "お客様センター"), ("ja", "フリーダイヤル"),
    ("ko", "고객센터"), ("ko", "대표번호"), ("vi", "chăm sóc khách hàng"), ("vi", "Tổng đài"),
    ("id", "layanan pelanggan"), ("id", "Call center"), ("ms", "khidmat pelanggan"), ("ms", "Talian"),
    ("th", "บริการลูกค้า"), ("th", "สายด่วน"), ("ar", "خدمة العملاء"), ("ar", "الرقم الموحد"),
]


@pytest.mark.parametrize("lang,text", SERVICE)
def test_service_context(lang, text):
    assert lex(lang).has("service_context", text)
    assert not lex(lang).has("decoy_context", text)


DECOY = [
    ("ja", "法人営業部"), ("ja", "加盟店募集"), ("ja", "採用情報"), ("ja", "報道関係者の方"), ("ja", "IR情報"),
    ("ja", "FAX"), ("ja", "警察 110番"), ("ja", "救急 119"), ("ja", "出品者の方"),
    ("ko", "제휴 문의"), ("ko", "가맹점 창업"), ("ko", "입점 문의"), ("ko", "채용"), ("ko", "팩스"), ("ko", "경찰 112"),
    ("ko", "보이스피싱 신고"), ("ko", "판매자센터"),
    ("vi", "Phòng kinh doanh"), ("vi", "Nhượng quyền"), ("vi", "Tuyển dụng"), ("vi", "Đối tác"), ("vi", "Fax"),
    ("vi", "Công an 113"), ("vi", "Người bán"),
    ("id", "Penjualan"), ("id", "Kemitraan"), ("id", "Waralaba"), ("id", "Karier"), ("id", "Polisi 110"),
    ("id", "Darurat 112"), ("id", "Merchant"),
    ("ms", "Jualan"), ("ms", "Francais"), ("ms", "Kerjaya"), ("ms", "Polis 999"), ("ms", "Penjual"), ("ms", "Faks"),
    ("th", "ฝ่ายขาย"), ("th", "แฟรนไชส์"), ("th", "ร่วมงานกับเรา"), ("th", "ตำรวจ 191"), ("th", "เจ็บป่วยฉุกเฉิน 1669"),
    ("th", "โทรสาร"), ("th", "ร้านค้า"),
    ("ar", "المبيعات"), ("ar", "الشراكات"), ("ar", "التوظيف"), ("ar", "المركز الإعلامي"), ("ar", "فاكس"),
    ("ar", "الشرطة 999"), ("ar", "علاقات المستثمرين"), ("ar", "التجار"),
]


@pytest.mark.parametrize("lang,text", DECOY)
def test_decoy_context(lang, text):
    assert lex(lang).has("decoy_context", text)


@pytest.mark.parametrize("lang,text", [
    # business hours / after-sales / commercial registration are not sales or emergencies
    ("ja", "営業時間 9:00-18:00"), ("ko", "영업시간 09:00~18:00"), ("vi", "Dịch vụ sau bán hàng"),
    ("th", "บริการหลังการขาย"), ("ar", "السجل التجاري"), ("ja", "〒110-0005 東京都台東区上野"),
    ("ja", "エクスプレス予約"), ("ko", "사업자등록번호 123-45-67890"),
])
def test_not_decoys(lang, text):
    assert not lex(lang).has("decoy_context", text)


@pytest.mark.parametrize("lang,customer,decoy", [
    ("ja", "お客様センター 0120-123-456（平日9:00～18:00）", "法人営業部 TEL 03-1234-5678"),
    ("ko", "고객센터 1588-1234 (평일 09:00~18:00)", "제휴 문의 02-1234-5678"),
    ("vi", "Tổng đài CSKH 1900 1234", "Phòng kinh doanh: 028 3822 1234"),
    ("id", "Layanan pelanggan 1500888", "Kemitraan: 021 5091 1234"),
    ("ms", "Khidmat pelanggan 1-300-88-6688", "Jualan korporat 03-2178 1234"),
    ("th", "ศูนย์บริการลูกค้า โทร 02-111-1111", "ฝ่ายขาย โทร 02-222-3333"),
    ("ar", "خدمة العملاء ٩٢٠٠٠٠٥٧٦", "المبيعات 0112345678"),
])
def test_customer_numbers_count_and_sales_numbers_do_not(lang, customer, decoy):
    region = REGIONS[lang]
    view = PageView(url="https://example.test/contact", blocks=[block(customer)])
    assert len(detect_phones(view, lex(lang), region)) == 1
    view = PageView(url="https://example.test/contact", blocks=[block(decoy)])
    assert detect_phones(view, lex(lang), region) == []


def test_customer_hours_are_reported_with_the_number():
    found = detect(PageView(url="https://example.test/", blocks=[block("お客様センター 0120-123-456 受付時間 平日 9:00～17:00（土日祝除く）")]),
                   lex("ja"), "JP")
    assert found["phone"].value == "+81120123456"
    assert found["phone"].service_hours == "平日 9:00～17:00（土日祝除く）"


@pytest.mark.parametrize("lang,label", [
    ("ja", "オペレーターとチャット"), ("ko", "상담원 연결"), ("vi", "Chat với nhân viên"), ("id", "Chat dengan agen"),
    ("ms", "Sembang dengan ejen"), ("th", "แชทกับเจ้าหน้าที่"), ("ar", "تحدث مع موظف"),
])
def test_live_chat_detected_with_hours(lang, label):
    control = {"label": label, "tag": "button", "type": "button", "frame": 0}
    hours = {"ja": "平日 9:00～18:00", "ko": "평일 09:00~18:00", "vi": "Thứ Hai - Thứ Sáu 8:00 - 17:00",
             "id": "Senin-Jumat 08.00-17.00 WIB", "ms": "Isnin-Jumaat 9 pg - 6 ptg", "th": "จันทร์-ศุกร์ 08:30-17:30 น.",
             "ar": "من الأحد إلى الخميس ٨:٠٠ - ١٦:٠٠"}[lang]
    view = PageView(url="https://example.test/help", blocks=[block(f"{label} {hours}")], controls=[control])
    found = detect(view, lex(lang), REGIONS[lang])
    assert found["live_chat"].evidence == label
    assert found["live_chat"].service_hours == hours


# --------------------------------------------------------------------------- other keys
OTHER = [
    # (lang, key, text, expected)
    ("ja", "dismiss", "同意する", True), ("ja", "dismiss", "閉じる", True), ("ja", "login", "ログイン", True),
    ("ja", "login", "パスワードをお忘れの方", True), ("ja", "unlikely", "採用情報", True),
    ("ja", "ugc_page", "みんなの掲示板", True), ("ja", "search_field", "キーワード検索", True),
    ("ja", "web_form_field", "お問い合わせ内容", True), ("ja", "email_negative", "saiyo", True),
    ("ja", "support_path", "support toiawase", True), ("ja", "dismiss", "お問い合わせ", False),
    ("ko", "dismiss", "동의", True), ("ko", "dismiss", "오늘 하루 보지 않기", True), ("ko", "login", "로그인", True),
    ("ko", "unlikely", "인재채용", True), ("ko", "ugc_page", "자유게시판", True), ("ko", "search_field", "검색어 입력", True),
    ("ko", "web_form_field", "문의 내용", True), ("ko", "email_negative", "recruit", True),
    ("ko", "support_path", "cs center faq", True), ("ko", "chat_composer", "kakao-chat-input", True),
    ("vi", "dismiss", "Đồng ý", True), ("vi", "dismiss", "Chấp nhận tất cả", True), ("vi", "login", "Đăng nhập", True),
    ("vi", "login", "Quên mật khẩu?", True), ("vi", "unlikely", "Tuyển dụng", True), ("vi", "ugc_page", "Diễn đàn", True),
    ("vi", "search_field", "Tìm kiếm", True), ("vi", "web_form_field", "Nội dung", True),
    ("vi", "email_negative", "tuyendung", True), ("vi", "support_path", "lien he", True),
    ("id", "dismiss", "Setuju", True), ("id", "dismiss", "Nanti saja", True), ("id", "login", "Masuk", True),
    ("id", "login", "Lupa kata sandi?", True), ("id", "unlikely", "Karier", True), ("id", "ugc_page", "Komunitas", True),
    ("id", "search_field", "Cari produk", True), ("id", "web_form_field", "Isi pesan", True),
    ("id", "email_negative", "karir", True), ("id", "support_path", "pusat bantuan", True),
    ("ms", "dismiss", "Setuju", True), ("ms", "dismiss", "Terima semua", True), ("ms", "login", "Log masuk", True),
    ("ms", "login", "Lupa kata laluan?", True), ("ms", "unlikely", "Kerjaya", True), ("ms", "ugc_page", "Forum", True),
    ("ms", "search_field", "Carian", True), ("ms", "web_form_field", "Mesej", True),
    ("ms", "email_negative", "kerjaya", True), ("ms", "support_path", "hubungi kami", True),
    ("th", "dismiss", "ยอมรับ", True), ("th", "dismiss", "ยอมรับทั้งหมด", True), ("th", "login", "เข้าสู่ระบบ", True),
    ("th", "login", "ลืมรหัสผ่าน", True), ("th", "unlikely", "ร่วมงานกับเรา", True), ("th", "ugc_page", "กระทู้", True),
    ("th", "search_field", "ค้นหา", True), ("th", "web_form_field", "รายละเอียด", True),
    ("th", "email_negative", "marketing", True), ("th", "support_path", "ติดต่อเรา", True),
    ("ar", "dismiss", "موافق", True), ("ar", "dismiss", "قبول الكل", True), ("ar", "login", "تسجيل الدخول", True),
    ("ar", "login", "نسيت كلمة المرور؟", True), ("ar", "unlikely", "الوظائف", True), ("ar", "ugc_page", "منتدى", True),
    ("ar", "search_field", "ابحث", True), ("ar", "web_form_field", "رسالتك", True),
    ("ar", "email_negative", "careers", True), ("ar", "support_path", "اتصل بنا", True),
    ("ar", "chat_composer", "dardasha-input", True),
]


@pytest.mark.parametrize("lang,key,text,expected", OTHER)
def test_other_keys(lang, key, text, expected):
    assert lex(lang).has(key, text) is expected


@pytest.mark.parametrize("lang,url", [
    ("ja", "https://www.example.jp/support/toiawase/"), ("ko", "https://m.example.co.kr/cs/faq"),
    ("vi", "https://example.vn/lien-he"), ("id", "https://example.co.id/pusat-bantuan"),
    ("ms", "https://example.com.my/hubungi-kami"), ("th", "https://example.co.th/th/ติดต่อเรา"),
    ("ar", "https://example.sa/ar/contact-us"),
])
def test_support_urls_rank(lang, url):
    assert relevance("", lex(lang), href=url) >= 6


@pytest.mark.parametrize("lang,label", [
    ("ja", "お問い合わせ内容"), ("ko", "문의 내용"), ("vi", "Nội dung"), ("id", "Pesan"), ("ms", "Mesej"),
    ("th", "รายละเอียด"), ("ar", "رسالتك"),
])
def test_contact_form_textarea_is_a_web_form_and_search_is_not(lang, label):
    assert web_form_field({"tag": "textarea", "label": label, "height": 120, "rows": 5}, lex(lang))
    search = {"ja": "検索", "ko": "검색", "vi": "Tìm kiếm", "id": "Cari", "ms": "Carian", "th": "ค้นหา", "ar": "بحث"}[lang]
    assert not web_form_field({"tag": "textarea", "label": search, "height": 120, "rows": 5}, lex(lang))


@pytest.mark.parametrize("lang,local", [
    ("ja", "saiyo"), ("ko", "recruit"), ("vi", "tuyendung"), ("id", "karir"), ("ms", "kerjaya"), ("th", "hr"),
    ("ar", "careers"),
])
def test_non_service_mailboxes_are_skipped(lang, local):
    view = PageView(url="https://example.test/contact",
                    blocks=[block(f"{local}@example.com"), block("support@example.com")])
    assert [a for a, _ in detect_emails(view, lex(lang))] == ["support@example.com"]
