"""Every sentence the engine says, in Japanese and English.

The engine runs without Django (it must start fast on the CLI), so its sentences are kept
here rather than in gettext catalogs: one entry per message, both languages side by side,
so a missing translation is visible in review. Each `why`/`action` is one sentence.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from functools import lru_cache

from madoguchi.engine.timezone import TOKYO

LANGS = ("ja", "en")

LABELS: dict[str, tuple[str, str]] = {
    # services
    "access": ("光回線", "fiber line"),
    "isp": ("プロバイダ", "ISP"),
    "phone": ("電話 (ひかり電話)", "phone"),
    "tv": ("テレビ", "TV"),
    "mail": ("メール", "mail"),
    "option": ("オプション", "option"),
    "equipment": ("ルーター等の機器", "router and equipment"),
    "support": ("サポート", "support"),
    # course / building
    "building": ("建物", "building"),
    "detached": ("戸建て", "detached house"),
    "multi-unit": ("集合住宅", "multi-unit building"),
    # who holds the contracts
    "person": ("個人", "a person"),
    "business": ("法人・事業者", "a business"),
    # lamps
    "on": ("点灯", "on"),
    "off": ("消灯", "off"),
    "blinking": ("点滅", "blinking"),
    "red": ("赤", "red"),
    # promises
    "callback": ("折り返しの電話", "a callback"),
    "visit": ("訪問", "a visit"),
    "refund": ("返金", "a refund"),
    "written-answer": ("書面での回答", "a written answer"),
    "escalation": ("上席への引き継ぎ", "escalation to a supervisor"),
    # how a contract was made (acquired)
    "new": ("新規", "new contract"),
    "tenyo": ("転用 (フレッツ光から)", "conversion from FLET'S (転用)"),
    "jigyosha-henko": ("事業者変更", "change of operator (事業者変更)"),
    "phone-sales": ("電話勧誘", "phone sales"),
    "visit-sales": ("訪問販売", "door-to-door sales"),
    "store": ("店頭", "in a shop"),
    "web": ("ウェブ申込み", "on the web"),
    # payment
    "card": ("クレジットカード", "credit card"),
    "bank": ("口座振替", "bank transfer"),
    "convenience-store": ("コンビニ払い", "convenience store"),
    "invoice": ("請求書払い", "invoice"),
    "bundled": ("携帯電話などの料金とまとめて", "bundled with another bill"),
    # site events (besides tenyo, jigyosha-henko)
    "application": ("申込み", "application"),
    "cancel-request": ("解約の申し出", "cancellation request"),
    "number-port": ("番号ポータビリティ", "number porting"),
    "sales-call": ("勧誘の電話・訪問", "sales call or visit"),
    "consent-number-issued": ("承諾番号の発行", "consent number issued"),
    "other": ("その他", "other"),
    # a contract's IDs (the keys of `ids` that the web's ID rows write)
    "customer_id": ("お客さまID", "customer ID"),
    "phone_number": ("ひかり電話番号", "Hikari Denwa number"),
    "isp_user_id": ("プロバイダのユーザーID", "provider user ID"),
    "contract_number": ("契約番号", "contract number"),
    "consent_number": ("承諾番号", "consent number"),
    # money findings, as a title (the ranking of sites by money found)
    "finding:residual-wholesaler-option": (
        "転用後もNTTに残る契約・請求",
        "still contracted or billed by NTT after the switch",
    ),
    "finding:double-billing": ("二重請求", "double billing"),
    "finding:unknown-charge": ("契約のない請求", "a charge with no contract"),
    "finding:charge-after-end": ("契約終了後の請求", "billed after the contract ended"),
    "finding:not-cheaper": ("切り替えても安くならない", "not cheaper after the switch"),
    "finding:unwanted-option": ("望んでいないオプション", "an option not wanted"),
    "finding:convenience-store-fee": ("コンビニ払いの手数料", "the convenience-store fee"),
    "finding:outage-compensation": ("障害の返金", "outage compensation"),
    "finding:cancellation-fee-over-cap": ("上限を超える解約金", "a cancellation fee over the cap"),
    # severities
    "critical": ("緊急", "critical"),
    "warn": ("注意", "warning"),
    "info": ("参考", "info"),
}

TEXT: dict[str, tuple[str, str]] = {
    # --- routes -----------------------------------------------------------------------
    "route.held": (
        "{service}は{party}の契約{ref}なので、{desk}に連絡します。",
        "The {service} is under contract {ref} with {party}, so call {desk}.",
    ),
    "route.held-no-desk": (
        "{service}は{party}の契約{ref}ですが、窓口が登録されていません。",
        "The {service} is under contract {ref} with {party}, but no desk is on record.",
    ),
    "route.denied": (
        "{party}は{service}の契約がないと回答しました。本当の契約先は分かっていません。",
        "{party} said there is no {service} contract with them; the real holder is not known.",
    ),
    "route.none": (
        "{service}の契約先が記録にありません。",
        "No holder of the {service} is on record.",
    ),
    "route.ended": (
        "{service}の最後の契約{ref}は{party}との契約で、{end}に終わっています。サービスを止めた会社で、止まった理由と止まっていた間の料金を聞ける相手なので、{desk}に連絡します。",
        "The last {service} contract, {ref} with {party}, ended on {end}: {party} cut the service and can say why and what is owed for the outage, so call {desk}.",
    ),
    "route.ended-no-desk": (
        "{service}の最後の契約{ref}は{party}との契約で、{end}に終わっています。窓口が登録されていないので、{party}に止まった理由を確かめます。",
        "The last {service} contract, {ref} with {party}, ended on {end}; no desk is on record, so ask {party} why the service stopped.",
    ),
    # --- which number to dial (engine/dialling.py) ------------------------------------
    "dial.none": (
        "{party}の電話番号は登録されていません。契約書類・請求書・{party}のサイトで確かめてください。",
        "No number for {party} is on record: look on the contract papers, the bill or {party}'s website.",
    ),
    "dial.none-from-mobile": (
        "{party}の登録済みの番号は携帯電話からはつながらないか別の会社につながります。携帯電話からの番号を契約書類・請求書・{party}のサイトで確かめてください。",
        "{party}'s numbers on record do not reach it from a mobile (or reach another company): find the number for mobiles on the contract papers, the bill or {party}'s website.",
    ),
    "dial.none-from-fixed": (
        "{party}の登録済みの番号はこの電話からはつながりません。契約書類・請求書・{party}のサイトで番号を確かめてください。",
        "{party}'s numbers on record do not reach it from this phone: find the number on the contract papers, the bill or {party}'s website.",
    ),
    # Between two sentences of one `why` (Japanese needs no space after 。).
    "sentence.gap": ("", " "),
    "dial.call-line": (
        "電話: {party} {desk} {number} ({works_from})",
        "Phone: {party}, {desk}, {number} ({works_from})",
    ),
    "dial.from.any": ("どの電話からも", "from any phone"),
    "dial.from.fixed": ("固定電話 (加入電話) から", "from a fixed (copper) line"),
    "dial.from.hikari-denwa": ("ひかり電話から", "from Hikari Denwa"),
    "dial.from.mobile": ("携帯電話から", "from a mobile"),
    "dial.from.docomo-mobile": ("ドコモの携帯電話から", "from a docomo mobile"),
    "dial.from.au-mobile": ("auの携帯電話から", "from an au mobile"),
    "dial.from.softbank-mobile": ("ソフトバンクの携帯電話から", "from a SoftBank mobile"),
    "dial.from.ip": ("IP電話・プリペイド携帯から", "from IP and prepaid phones"),
    "dial.phone-out": (
        "固定電話が使えない状態なので、携帯電話からかけられる番号です。",
        "The fixed phone is out, so this is a number that works from a mobile.",
    ),
    # --- hypotheses -------------------------------------------------------------------
    "hyp.collabo-unknown.recorded": (
        "記録上の契約先の{party}が「契約がない」と言っているので、回線が知らないうちに光コラボ事業者など別の会社に移っている可能性が高いです。",
        "{party}, the holder on record, says there is no contract, so the line has most likely been moved to a collabo operator or another holder without the customer knowing.",
    ),
    "hyp.collabo-unknown.other": (
        "{party}が「契約がない」と言っているので、回線は別の光コラボ事業者などが持っている可能性があります。",
        "{party} says there is no contract, so another holder such as a collabo operator may hold the line.",
    ),
    "hyp.cancellation-cutoff.cancel-request": (
        "{date}の解約申込 ({effective} 付) の処理で、契約の最終日より前にサービスが止められた可能性があります。",
        "The cancellation requested on {date} (effective {effective}) may have stopped the service before the contract's last day.",
    ),
    "hyp.cancellation-cutoff.number-port": (
        "{date}の番号ポータビリティ ({effective} 付) の処理に合わせて、同じ会社のサービスが止められた可能性があります。",
        "The number porting of {date} (effective {effective}) may have stopped the same company's other services with it.",
    ),
    "hyp.cancellation-cutoff.tenyo": (
        "{date}の転用 ({effective} 付) の切り替え処理中に、サービスが止まっている可能性があります。",
        "The conversion (転用) of {date} (effective {effective}) may have interrupted the service while it is switched.",
    ),
    "hyp.cancellation-cutoff.jigyosha-henko": (
        "{date}の事業者変更 ({effective} 付) の切り替え処理中に、サービスが止まっている可能性があります。",
        "The change of operator of {date} (effective {effective}) may have interrupted the service while it is switched.",
    ),
    "hyp.cancellation-cutoff.ending": (
        "契約{ref}は{end}に終わるので、最終日より前に止められた可能性があります。",
        "Contract {ref} ends on {end}, and service is sometimes stopped before the last day.",
    ),
    "hyp.cancellation-cutoff.ceased": (
        "契約先の{party}は事業をやめているので、サービスが止まった可能性があります。",
        "The holder {party} has ceased business, which may have stopped the service.",
    ),
    "hyp.line-fault.power": (
        "ONU の電源ランプが消えているので、ONU か電源まわりの故障が疑われます (コンセントも確認してください)。",
        "The ONU power lamp is off, which points to the ONU or its power supply (check the outlet too).",
    ),
    "hyp.line-fault.optical": (
        "ONU の光回線ランプが「{lamp}」なので、光回線か ONU の故障が疑われます。",
        "The ONU optical lamp is '{lamp}', which points to a fault on the fiber line or the ONU.",
    ),
    "hyp.line-fault.blinking": (
        "ONU の光回線ランプが点滅しているので、光回線が不安定な可能性があります。",
        "The ONU optical lamp is blinking, so the fiber line may be unstable.",
    ),
    "hyp.line-fault.prior": (
        "ランプの状態が分からないため、光回線の故障も考えられます (ONU の電源・光回線・認証ランプを見てください)。",
        "Without the lamp states a line fault is possible (look at the ONU's power, optical and auth lamps).",
    ),
    "hyp.isp-auth.lamp": (
        "光回線ランプは正常ですが認証 (または PPP) ランプが点いていないので、プロバイダへの接続が失敗しています。",
        "The optical lamp is fine but the auth (or PPP) lamp is not lit, so the session with the ISP is failing.",
    ),
    "hyp.isp-auth.prior": (
        "ランプの状態が分からないため、プロバイダへの接続の失敗も考えられます。",
        "Without the lamp states a failing ISP session is possible.",
    ),
    "hyp.course-mismatch": (
        "コースが合っていません ({detail}) ので、このままではつながりません。",
        "The courses do not match ({detail}), so it cannot connect as it is.",
    ),
    "hyp.line-provider-split": (
        "回線とプロバイダのセット ({set}) が残ったまま、別のプロバイダ ({isp}) を契約しているので、新しいプロバイダではつながらない可能性があります。",
        "The line+ISP set with {set} still holds the line while a separate ISP ({isp}) was signed, so the new ISP may not connect.",
    ),
    "hyp.credentials": (
        "{date}にプロバイダや契約が変わったばかりなので、接続 ID・パスワードの設定違いや書き間違いが疑われます。",
        "The provider or contract changed on {date}, so a wrong or mistyped connection ID or password is likely.",
    ),
    "hyp.service-fault": (
        "回線は正常なので、{service}のサービス側の故障が疑われます。",
        "The line looks fine, so the {service} service itself is likely at fault.",
    ),
    "hyp.service-fault.lamps-unknown": (
        "{service}のサービス側の故障も考えられます (回線が正常かどうかは、ONU のランプを見るまで分かりません)。",
        "The {service} service itself may be at fault (whether the line is fine is not known until the ONU's lamps are read).",
    ),
    "hyp.home-equipment.wifi": (
        "Wi-Fi が弱いのは、ほとんどの場合ルーターの場所や性能の問題です。",
        "Weak Wi-Fi is almost always down to the router's place or model.",
    ),
    "hyp.home-equipment.uni": (
        "ONU の UNI ランプが消えているので、LAN ケーブルかルーターの問題が疑われます。",
        "The ONU's UNI lamp is off, which points to the LAN cable or the router.",
    ),
    "hyp.home-equipment.lamps-fine": (
        "ONU のランプはすべて正常なので、ルーター・Wi-Fi・パソコン側の問題が考えられます (再起動と有線での確認を)。",
        "All ONU lamps are normal, so the router, Wi-Fi or device is likely at fault (restart them and try a wired connection).",
    ),
    "hyp.home-equipment.slow": (
        "遅い場合は、ルーターや Wi-Fi、パソコン側が原因のことも多いです。",
        "Slowness is often caused by the router, the Wi-Fi or the device.",
    ),
    "hyp.home-equipment.device": (
        "回線は正常なので、電話機・FAX・ケーブルなど宅内機器の問題も考えられます。",
        "The line is fine, so the phone, FAX or cabling in the home may be at fault.",
    ),
    "hyp.home-equipment.prior": (
        "ルーターや宅内機器の問題も考えられます。",
        "The router or equipment at home may be at fault.",
    ),
    "hyp.area-outage.notice": (
        "{party}の障害情報にこの地域の障害が出ているので、復旧を待つしかありません。",
        "{party} reports an outage in this area, so there is nothing to fix at the site.",
    ),
    "hyp.area-outage.lamps": (
        "地域の障害の可能性もあります (事業者の障害情報ページを確認してください)。",
        "It may be a wider outage (check the operator's outage page).",
    ),
    "hyp.area-outage.prior": (
        "地域の障害の可能性もあります。",
        "It may be a wider outage.",
    ),
    # --- findings ---------------------------------------------------------------------
    "find.holder-unknown.denied.why": (
        "{party_name}は{service}の契約がないと言っており、本当の契約先が分かりません。",
        "{party_name} says there is no {service} contract with them, so the real holder is unknown.",
    ),
    "find.holder-unknown.denied.action": (
        "NTTは回線を持つ光コラボ事業者の名前を教えないことがあります (公式には事業者の一覧を示すだけです)。契約書面や申込書の控え・請求書・カードや口座の明細・メールアドレスのドメイン・ルーターのラベルから事業者名を探し、契約として登録してください。",
        "NTT may not tell you which collabo operator holds the line (officially it only points to its list of operators). Find the operator's name on the contract papers or application copy, bills, card or bank statements, the e-mail domain or the router's label, and record it as a contract.",
    ),
    "find.holder-unknown.none.why": (
        "{service}の契約先が記録にありません。",
        "No holder of the {service} is on record.",
    ),
    "find.holder-unknown.none.action": (
        "{service}の契約先は、請求書・カードや口座の明細・メールアドレスのドメイン・ルーターのラベル・申込書の控えで確かめて、契約として登録してください。",
        "Find who holds the {service} on bills, card or bank statements, the e-mail domain, router labels or the application copy, and record it as a contract.",
    ),
    "find.split-responsibility.why": (
        "サービスごとに契約先が違います ({detail})。",
        "Different companies hold different services ({detail}).",
    ),
    "find.split-responsibility.action": (
        "故障のときは、止まったサービスの契約先に連絡してください (連絡先カードを ONU のそばに貼っておくと安心です)。",
        "When something fails, call the holder of the service that stopped (keep a contact card next to the ONU).",
    ),
    "find.residual-wholesaler-option.why": (
        "回線は NTT から移っていますが、オプション{items}は今も{party_name}との契約・請求のままです。",
        "The line has left NTT, but the options {items} are still contracted or billed by {party_name}.",
    ),
    "find.residual-wholesaler-option.action": (
        "必要かどうかを確かめ、不要なら{desk}で解約してください (これらの故障や請求の窓口も{party_name}です)。",
        "Check whether they are needed and cancel unwanted ones with {desk} (their faults and bills also go to {party_name}).",
    ),
    "find.unknown-charge.why": (
        "{party_name}の請求「{item}」({month}、計{yen}) に当たる契約が記録にありません。",
        "The charge '{item}' from {party_name} ({month}; {yen} in all) matches no contract on record.",
    ),
    "find.unknown-charge.action": (
        "{desk}に請求の内訳と契約内容を問い合わせてください。",
        "Ask {desk} for the breakdown and the contract behind it.",
    ),
    "find.charge-after-end.why": (
        "{party_name}の請求「{item}」({month}、計{yen}) は、契約が{end}に終わった後の月のものです。",
        "The charge '{item}' from {party_name} ({month}; {yen} in all) falls after the contract ended on {end}.",
    ),
    "find.charge-after-end.action": (
        "{desk}に、解約後の請求である理由を確認し、返金を求めてください。",
        "Ask {desk} why it bills after the end and request a refund.",
    ),
    "find.double-billing.why": (
        "{item}が同じ月 ({months}) に複数の会社 ({parties}) から請求されています。",
        "The {item} is billed by more than one company ({parties}) in the same month ({months}).",
    ),
    "find.double-billing.action": (
        "どちらの契約が不要かを確かめ、不要な方を解約して、重なった期間の返金を求めてください。",
        "Find which contract is not needed, cancel it, and ask for a refund of the overlap.",
    ),
    "find.course-mismatch.why": (
        "建物と回線・プロバイダのコースが合っていません ({detail})。",
        "The building and the line and ISP courses disagree ({detail}).",
    ),
    "find.course-mismatch.action": (
        "{desk}に建物の種類に合ったコースへの変更を求めてください (営業の誤りなら費用の負担も)。",
        "Ask {desk} to change to the course that matches the building (and to bear the cost if the sales agent erred).",
    ),
    "find.line-provider-split.why": (
        "回線とプロバイダのセット ({set}) が続いたまま、別のプロバイダ ({isp}) とも契約しています。",
        "The line+ISP set with {set} continues while another ISP ({isp}) has been signed.",
    ),
    "find.line-provider-split.action": (
        "どちらか一方にまとめてください: {desk}にセットのプロバイダ部分の扱いを確認し、二重払いの期間の返金を求めます。",
        "Settle on one of them: ask {desk} how to drop the ISP part of the set and refund the double payments.",
    ),
    "find.duplicate-application.why": (
        "{party_name}の{service}の契約が 30 日以内に{count}件申し込まれています ({items}。重複申込の可能性)。",
        "{count} {service} contracts with {party_name} started within 30 days of each other ({items}; possible duplicate applications).",
    ),
    "find.duplicate-application.action": (
        "{desk}に重複していないか確認し、不要な契約を解約してください。",
        "Ask {desk} whether they are duplicates and cancel the ones not needed.",
    ),
    "find.not-cheaper.why": (
        "{date}の切り替え後の月額合計 ({after}) が、切り替え前 ({before}) より安くなっていません。",
        "After the switch on {date} the monthly total ({after}) is not lower than before ({before}).",
    ),
    "find.not-cheaper.action": (
        "{desk}に説明と異なる点を伝え、初期契約解除の期間内ならその利用も検討してください。",
        "Tell {desk} how this differs from what was promised, and consider initial cancellation if still in its window.",
    ),
    "find.unwanted-option.why": (
        "望んでいないオプション「{item}」({yen}/月) が契約されています。",
        "An option the customer did not want, '{item}' ({yen}/month), is contracted.",
    ),
    "find.unwanted-option.action": (
        "{desk}に連絡して解約してください。",
        "Call {desk} to cancel it.",
    ),
    "find.convenience-store-fee.why": (
        "{party_name}の{items}はコンビニ払いで、毎月手数料がかかります。",
        "{items} with {party_name} are paid at a convenience store, which costs a monthly fee.",
    ),
    "find.convenience-store-fee.action": (
        "{desk}で口座振替かクレジットカード払いに変えてください。",
        "Ask {desk} to switch to bank transfer or card payment.",
    ),
    "find.initial-cancellation-window.why": (
        "「{item}」は初期契約解除の期間中です ({due}まで、残り{days}日)。",
        "'{item}' is inside its initial cancellation window (until {due}, {days} days left).",
    ),
    "find.initial-cancellation-window.action": (
        "やめるなら{due}までに書面 (はがき等) で解除を通知してください。違約金はかかりません ({desk})。",
        "To back out, send a written notice (a postcard will do) by {due}; no penalty applies ({desk}).",
    ),
    "find.cancellation-gap.why": (
        "{service}の契約{ref}は{end}に終わりますが、翌日までに始まる代わりの契約がありません (最終日より前に止まることもあります)。",
        "The {service} contract {ref} ends on {end} and nothing replaces it by the next day (service can also stop before the last day).",
    ),
    "find.cancellation-gap.action": (
        "新しい契約の開始日を確かめ、{desk}に最終日まで使えることを確認してください。",
        "Confirm the start date of a replacement and make {desk} confirm service until the last day.",
    ),
    "find.promise-overdue.why": (
        "{party_name}が約束した{what} ({due}まで、{case_name}) が{hours}時間過ぎても果たされていません。",
        "{party_name} promised {what} by {due} ({case_name}); it is {hours} hours overdue.",
    ),
    "find.promise-overdue.action": (
        "{desk}に、前回の受付番号と約束の内容を伝えて催促し、対応しないなら上の段階へ進んでください。",
        "Call {desk} with the previous reference number and the promise, and escalate if nothing happens.",
    ),
    "find.holder-ceased.why": (
        "契約先の{party_name}は事業をやめています (倒産・廃業): {items}。サービスはいつ止まってもおかしくありません。前払いした料金のうち使っていない分は、破産手続では「破産債権」として裁判所の決めた期間内に届け出るもので、戻るのは配当の一部だけのことが多いです{unverified}。",
        "The holder {party_name} has ceased business (bankrupt or closed): {items}. The service can stop at any time. The unused part of a fee paid in advance becomes a claim in the bankruptcy, to be filed within the period the court sets; usually only part of it comes back as a dividend{unverified}.",
    ),
    "find.holder-ceased.action": (
        "返金・解約・破産債権の届け出方は、{where}に相談してください。止まる前に代わりの契約先を決め、前払いの領収書や契約書を手元に残してください。",
        "Ask {where} about refunds, cancellation and how to file the claim. Pick a replacement before the service stops, and keep the receipts and contract papers for the prepayment.",
    ),
    "find.holder-ceased.nowhere": (
        "消費生活センター",
        "a consumer centre",
    ),
    "find.outage-compensation.why": (
        "{party_name}の{services}は、{party_name}が知った{start}から{hours}時間使えませんでした ({period}時間が{days}回分): {rule}により、その間の料金として{amount}ほどを請求できます (月額を30日で割った見積もりで、実際はその月の日数などで計算されます){unverified}。",
        "The {services} with {party_name} could not be used for {hours} hours after {party_name} knew of it at {start} ({days} full periods of {period} hours): under {rule}, about {amount} of charges can be claimed back (an estimate from the monthly fee divided by 30; the tariff counts the month's real days){unverified}.",
    ),
    "find.outage-compensation.action.ended": (
        "{desk}に、{case_name}の停止期間 ({days}日分) の料金{amount}ほどの返還を、{due}までに請求してください (受付番号と日時を伝えます)。",
        "Ask {desk} to pay back about {amount} for the {days} days of {case_name}, by {due} (give the reference numbers and times).",
    ),
    "find.outage-compensation.action.ended-soon": (
        "{desk}に、{case_name}の停止期間 ({days}日分) の料金{amount}ほどの返還を、早めに請求してください (請求期限は記録にありません。受付番号と日時を伝えます)。",
        "Ask {desk} soon to pay back about {amount} for the {days} days of {case_name} (no claim limit is on record; give the reference numbers and times).",
    ),
    "find.outage-compensation.action.ongoing-soon": (
        "{desk}に、{case_name}の停止期間の料金 (今のところ{days}日分で{amount}ほど、復旧まで増えます) の返還を、復旧したら早めに請求してください。",
        "Ask {desk} to pay back the charges for {case_name} ({amount} for {days} days so far, growing until it is restored) soon after the restoration.",
    ),
    "find.outage-compensation.action.ongoing": (
        "{desk}に、{case_name}の停止期間の料金 (今のところ{days}日分で{amount}、復旧まで増えます) の返還を、復旧から{months}か月以内に請求してください。",
        "Ask {desk} to pay back the charges for {case_name} ({amount} for {days} days so far, growing until it is restored), within {months} months of the restoration.",
    ),
    "find.outage-clock-not-started.why": (
        "{party_name}に{services}の障害を伝えた記録がないため、補償の{period}時間はまだ数え始めていません ({case_name}){unverified}。",
        "No report of the {services} outage to {party_name} is on record, so the {period}-hour compensation clock has not started ({case_name}){unverified}.",
    ),
    "find.outage-clock-not-started.action": (
        "{desk}に今すぐ障害を伝え、日時と受付番号を記録してください: 補償はその時刻から数えます。",
        "Report the outage to {desk} now and log the time and reference number: compensation counts from then.",
    ),
    "find.cancellation-fee-over-cap.why": (
        "「{item}」({start}に契約) の解約金{fee}は、上限の月額{months}か月分 ({cap}) を{excess}超えています ({since}以降に個人が結んだ固定回線の契約は、期間中の解約でも月額{months}か月分まで){unverified}。",
        "The cancellation fee of {fee} for '{item}' (made on {start}) is {excess} above the cap of {months} × the monthly fee ({cap}): a fixed-line contract made by a person on or after {since} may charge at most that when cancelled during its term{unverified}.",
    ),
    "find.cancellation-fee-over-cap.action": (
        "{desk}に、{since}以降の契約なので解約金は{cap}までのはずだと伝え、超える{excess}を請求しない (払ったなら返す) よう求めてください。",
        "Tell {desk} that a contract made on or after {since} may charge at most {cap}, and ask them not to charge (or to refund) the {excess} above it.",
    ),
    # --- what is owed: shared pieces ---------------------------------------------------
    "owed.amount-unknown": (
        "日割りの料金 (月額料金の記録がないため金額は不明)",
        "the pro-rated charges (the amount is unknown: no monthly fee is on record)",
    ),
    "owed.unverified": (
        " (この規定は要確認)",
        " (this rule is unverified)",
    ),
    # --- telling apart contracts that go by the same name --------------------------------
    "contract.started-on": ("{date}開始分", "started {date}"),
    "contract.with-id": ("({kind} {value})", "({kind} {value})"),
    "contract.nth": ("{n}件目", "no. {n}"),
    # --- deadlines --------------------------------------------------------------------
    "deadline.initial-cancellation": (
        "契約{ref}の初期契約解除の期限です。",
        "Last day to cancel contract {ref} under initial cancellation.",
    ),
    "deadline.consent-number": (
        "{date}に発行された承諾番号の有効期限です。",
        "Expiry of the consent number issued on {date}.",
    ),
    "deadline.promise": (
        "{party}の約束 ({what}) の期限です。",
        "Due time of {party}'s promise ({what}).",
    ),
    "deadline.compensation-claim": (
        "{party}へ停止期間の料金 ({amount}) を請求できる最終日です ({case_name}、復旧から{months}か月)。",
        "Last day to claim the outage charges ({amount}) from {party} ({case_name}, {months} months after the restoration).",
    ),
    "deadline.contract-end": (
        "{party}との{service}の契約{ref}が終わる日です。",
        "Last day of the {service} contract {ref} with {party}.",
    ),
    # --- escalation -------------------------------------------------------------------
    "esc.holder": (
        "まず契約先の{party}の窓口へ。",
        "First the holder's desk at {party}.",
    ),
    "esc.complaint": (
        "解決しなければ{party}の苦情窓口へ (担当者名と受付番号を伝える)。",
        "If unresolved, {party}'s complaint desk (give names and reference numbers).",
    ),
    "esc.soumu": (
        "事業者が対応しなければ{party}へ (事業者に伝えて助言をくれます)。",
        "If the company does not act, {party} (it passes the complaint on and advises).",
    ),
    "esc.hotline": (
        "返金や契約のトラブルは{party}で消費生活センターへ。",
        "For refunds and contract disputes, {party} connects you to a consumer centre.",
    ),
    "esc.police": (
        "だまされた・業者が消えた場合は{party}へ。",
        "If you were deceived or the company vanished, {party}.",
    ),
    "esc.houterasu": (
        "お金を取り戻すための法的な相談は{party}へ。",
        "For legal help getting money back, {party}.",
    ),
    # --- the emergency card beside the ONU ---------------------------------------------
    "card.internet": ("インターネット", "Internet"),
    "card.phone": ("電話・FAX", "Phone and FAX"),
    "card.tv": ("テレビ", "TV"),
    "card.mail": ("メール", "Mail"),
    "card.lamp.power": (
        "電源: 消えていたらコンセントと電源アダプタを確認。",
        "Power: if it is off, check the outlet and the power adapter.",
    ),
    "card.lamp.optical": (
        "光回線: 消えている・赤い・点滅なら光回線かONUの故障。回線の契約先へ。",
        "Optical: off, red or blinking means a fault on the fiber line or the ONU; call the line's holder.",
    ),
    "card.lamp.auth": (
        "認証 (PPP): 光回線は正常で認証が消えていればプロバイダとの接続の問題。プロバイダへ。",
        "Auth (PPP): optical fine but auth off means the connection to the ISP fails; call the ISP.",
    ),
    "card.lamp.uni": (
        "UNI: 消えていたらLANケーブルかルーターの問題。差し直して再起動。",
        "UNI: off means the LAN cable or the router; reconnect it and restart.",
    ),
    "card.lamp.fine": (
        "全部ふだん通りなら、ルーター・Wi-Fi・機器の再起動を先に。",
        "All as usual: restart the router, Wi-Fi and the device first.",
    ),
    "card.no-contract": (
        "このカードのIDを読み上げ、担当者名と受付番号を控え、請求書に書かれた会社名を確かめる。",
        "Read out the IDs on this card, note the person's name and the reference number, and check the company's name on the bill.",
    ),
    # --- the desks as phone contacts and the offline page (engine/phonebook.py) --------
    "phonebook.fault": ("故障", "faults"),
    "phonebook.inquiry": ("問い合わせ", "enquiries"),
    "phonebook.contact": ("{party} {purpose} ({site})", "{party} {purpose} ({site})"),
    "phonebook.no-mobile-number": (
        "要確認: 携帯電話からかける番号が登録されていません。契約書類・請求書・会社のサイトで確かめてください。",
        "To be confirmed: no number to call from a mobile on record; see the contract papers, the bill or the company's site.",
    ),
    "phonebook.hours": ("受付時間: {hours}", "Hours: {hours}"),
    "phonebook.repair-hours": ("修理: {hours}", "Repairs: {hours}"),
    "phonebook.hours-unknown": ("受付時間: 要確認", "Hours: to be confirmed"),
    "phonebook.unverified": (
        "要確認: この窓口の番号・受付時間は公式の案内で確かめてください。",
        "To be confirmed: check this desk's number and hours with the company.",
    ),
    "phonebook.no-number": (
        "要確認: 番号が登録されていません。契約書類・請求書・会社のサイトで確かめてください。",
        "To be confirmed: no number on record; see the contract papers, the bill or the company's site.",
    ),
    # --- how a desk answers and what a call costs (engine/calls.py) -------------------
    "call.separator": (" ・ ", " · "),
    # A desk recorded without a name, shown beside its party's name (ドコモ光 窓口), never
    # by its slug.
    "desk.unnamed": ("窓口", "desk"),
    "fact.outage-rule-no-limit": (
        "{hours}時間まったく使えなければ{hours}時間ごとに返金 (請求期限の記載なし: 早めに請求)",
        "{hours} hours without service earns each {hours} hours back (no claim limit on record: claim soon)",
    ),
    "fact.outage-rule": (
        "{hours}時間まったく使えなければ{hours}時間ごとに返金、{months}か月以内に請求",
        "{hours} hours without service earns each {hours} hours back, if claimed within {months} months",
    ),
    "fact.payment-fee": (
        "{payment}の手数料の明細での書き方: {words}",
        "how statements name the {payment} fee: {words}",
    ),
    "fact.fee-cap": (
        "{since}以降の個人の契約: 解約金は月額の{months}か月分まで",
        "a person's contract from {since}: a cancellation fee of at most {months} month(s) of fees",
    ),
    "call.24h": ("24時間", "around the clock"),
    "call.holidays-off": ("祝日休み", "closed on public holidays"),
    "call.third-party": (
        "この番号は公式ページで確認できていません (要確認)",
        "number seen only on third-party pages (unverified)",
    ),
    "call.recording": (
        "録音で受付、あとで折り返し連絡",
        "a recorded message takes the call, then a callback",
    ),
    "call.person": ("担当者が応対", "a person answers"),
    "call.repairs": ("修理は{hours}", "repairs {hours}"),
    "call.free": ("通話無料", "free call"),
    "call.charged": ("通話料がかかります", "the call is charged"),
    "call.charged-navi-dial": (
        "通話料がかかります (ナビダイヤル、通話定額の対象外)",
        "the call is charged (navi-dial, not covered by flat-rate plans)",
    ),
    "call.charged-ip": (
        "通話料がかかります (IP電話の番号)",
        "the call is charged (an IP phone number)",
    ),
    "call.charged-mobile": (
        "通話料がかかります (携帯電話の番号)",
        "the call is charged (a mobile number)",
    ),
    "call.charged-fixed": (
        "通話料がかかります (通常の通話料)",
        "the call is charged (ordinary call rates)",
    ),
    "call.cost-unknown": ("通話料は要確認", "call charge not confirmed"),
    "call.mobiles-ok": ("携帯電話からもかけられます", "works from mobiles"),
    "call.mobiles-no": ("携帯電話からはかけられません", "does not work from mobiles"),
    "call.from-mobiles": ("携帯電話からは {phone}", "from mobiles: {phone}"),
    "call.ip-no": ("一部のIP電話からはかけられません", "does not work from some IP phones"),
    "call.from-ip": ("IP電話などからは {phone}", "from IP and prepaid phones: {phone}"),
    # --- what a money finding costs per year (engine/yearly.py) ------------------------
    "yearly.latest-bill": (
        "直近の請求 {monthly} ({month}) × 12か月",
        "the latest bill, {monthly} ({month}), × 12 months",
    ),
    "yearly.contract-fees": (
        "契約の月額 {monthly} × 12か月",
        "the contracts' monthly fee, {monthly}, × 12 months",
    ),
    "yearly.overlap": (
        "{month}に重なって請求された分 (安い方) {monthly} × 12か月",
        "the overlap billed in {month} (the cheaper side), {monthly}, × 12 months",
    ),
    "yearly.bill-difference": (
        "切り替え後の請求 {after} ({after_month}) − 切り替え前 {before} ({before_month}) = 月 {monthly} × 12か月",
        "the bill after the switch, {after} ({after_month}), − before, {before} ({before_month}), = {monthly} a month × 12",
    ),
    "yearly.fee-difference": (
        "切り替え後の月額 {after} − 切り替え前 {before} = 月 {monthly} × 12か月",
        "the monthly total after the switch, {after}, − before, {before}, = {monthly} a month × 12",
    ),
    "yearly.bills-and-fees": (
        "直近の請求と、請求のないものは契約の月額: 月 {monthly} × 12か月",
        "the latest bills, and the monthly fee where nothing is billed: {monthly} a month × 12",
    ),
    "yearly.line": ("年間 {yen} ({basis})", "{yen} a year ({basis})"),
}

_LIST_SEPARATOR = ("、", ", ")


def _index(lang: str) -> int:
    return 1 if lang == "en" else 0


def say(lang: str, key: str, **values: object) -> str:
    """The sentence `key` in `lang`, with the values filled in; a date or time among them
    (an ISO string, a date or a datetime) reads as people read it (2026年1月31日(土) 09:05)."""
    index = 1 if lang == "en" else 0
    parsed = _PARSED[index].get(key)
    if parsed is None:
        parsed = _PARSED[index][key] = _parse(TEXT[key][index])
    template, names = parsed
    for name in names:  # only the values the sentence says (callers pass a few more)
        value = values[name]
        # Most values are names and amounts: only a date, a time or a text that can be one
        # (every ISO form starts "dddd-") is rewritten.
        if type(value) is not str or (len(value) >= 7 and value[4] == "-"):
            values[name] = _readable(lang, value)
    return template.format_map(values)


# Each sentence with the names of the values it says, per language, parsed on first use.
_PARSED: tuple[dict[str, tuple[str, tuple[str, ...]]], ...] = ({}, {})


def _parse(template: str) -> tuple[str, tuple[str, ...]]:
    names = (name for _text, name, _spec, _conversion in _formatter.parse(template) if name)
    return template, tuple(dict.fromkeys(names))


_formatter = string.Formatter()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
_WEEKDAYS_JA = "月火水木金土日"


def _readable(lang: str, value: object) -> object:
    if isinstance(value, str):
        # Most values are names and amounts: every ISO form starts "dddd-", so anything else
        # skips the three patterns (a third of an assessment's time was spent in them).
        if len(value) < 7 or value[4] != "-" or not value[:4].isdigit():
            return value
        return _readable_text(lang, value)
    elif isinstance(value, dt.datetime):
        return time_text(lang, value)
    elif isinstance(value, dt.date):
        return day_text(lang, value)
    return value


# The same few days, months and times are said in every assessment of a site (its
# contracts' starts, its bill months, a promise's time): each text is read once per process.
@lru_cache(maxsize=4096)
def _readable_text(lang: str, value: str) -> str:
    """A text that may be an ISO date, time or month, as people read it (else as it is)."""
    try:
        if _ISO_DATE.fullmatch(value):
            return day_text(lang, dt.date.fromisoformat(value))
        if _ISO_TIME.fullmatch(value):
            return time_text(lang, dt.datetime.fromisoformat(value))
    except ValueError:  # looks like a date but is none (a bill item "2026-02-30")
        return value
    if _ISO_MONTH.fullmatch(value):
        return month_text(lang, value)
    return value


# Pure functions of the language and the value, asked again for the same days and times of
# a site in every assessment (a promise's due time, an outage's start): kept per process.
@lru_cache(maxsize=4096)
def day_text(lang: str, value: dt.date) -> str:
    """2026年1月31日(土), or Sat 31 Jan 2026."""
    if lang == "en":
        return f"{value:%a} {value.day} {value:%b %Y}"
    return f"{value.year}年{value.month}月{value.day}日({_WEEKDAYS_JA[value.weekday()]})"


@lru_cache(maxsize=4096)
def time_text(lang: str, value: dt.datetime) -> str:
    """2026年1月31日(土) 09:05, in Tokyo time (a naive time is taken as written)."""
    if value.tzinfo is not None:
        value = value.astimezone(TOKYO)
    return f"{day_text(lang, value.date())} {value:%H:%M}"


@lru_cache(maxsize=4096)
def case_name_text(lang: str, started: dt.datetime | None) -> str:
    """A case as people name it in a sentence (11月20日からの障害), never by its ref."""
    if started is None:
        return "the outage" if lang == "en" else "今回の障害"
    if started.tzinfo is not None:
        started = started.astimezone(TOKYO)
    if lang == "en":
        return f"the outage since {started.day} {started:%b}"
    return f"{started.month}月{started.day}日からの障害"


@lru_cache(maxsize=4096)  # a bill's months, said for every finding about its lines
def month_text(lang: str, value: str) -> str:
    """2026年2月, or Feb 2026, for a bill month '2026-02'."""
    first = dt.date.fromisoformat(f"{value}-01")
    return f"{first:%b %Y}" if lang == "en" else f"{first.year}年{first.month}月"


def label(lang: str, value: object) -> str:
    """A readable name for a code (a service, a course, a promise kind, a severity)."""
    text = str(value)
    names = LABELS.get(text)
    return names[_index(lang)] if names else text


def join(lang: str, items: Iterable[str]) -> str:
    return _LIST_SEPARATOR[_index(lang)].join(items)


def yen(lang: str, amount: int | None) -> str:
    if amount is None:
        return "?"
    return f"¥{amount:,}" if lang == "en" else f"{amount:,}円"
