# The framing in Thai. Thai has one plural form (every number takes "other"), so the
# durations need no selectors. docs/translating.md says how this file is kept.

## The language

language-name = ไทย
language-switch = ภาษา

## Durations

duration-minutes = { $count } นาที
duration-hours = { $count } ชั่วโมง
duration-days = { $count } วัน
duration-weeks = { $count } สัปดาห์
duration-working-days = { $count } วันทำการ
within = ภายใน { $duration }

## Words every output shares

untitled = แผนผังการส่งต่อ
step = ขั้นตอนที่
step-in-text = ขั้นตอนที่
steps-range = ขั้นตอนที่
step-range = ขั้นตอนที่
other-steps = ขั้นตอนอื่น ๆ
page = หน้า
diagram = แผนภาพ

## The narrative

narrative-version = ฉบับ
narrative-intro = เอกสารนี้อธิบายแผนผังการส่งต่อทีละขั้นตอน ได้แก่ ผู้รับผิดชอบ กรอบเวลา ฐานทางกฎหมาย และขั้นตอนถัดไป ขั้นตอนต่าง ๆ มีหมายเลขเรียงตามลำดับการอ่านโดยเริ่มจากจุดเริ่มต้น และทุกรายการใน “ขั้นตอนถัดไป” เชื่อมโยงไปยังขั้นตอนนั้น
narrative-intro-numbered = เอกสารนี้อธิบายแผนผังการส่งต่อทีละขั้นตอน ได้แก่ ผู้รับผิดชอบ กรอบเวลา ฐานทางกฎหมาย และขั้นตอนถัดไป แต่ละขั้นตอนมีหมายเลขที่กำหนดไว้ในแผนผังและคงเดิมในทุกฉบับที่แก้ไข หมายเลขจึงอาจไม่เรียงตามลำดับ และทุกรายการใน “ขั้นตอนถัดไป” เชื่อมโยงไปยังขั้นตอนนั้น
narrative-contents = สารบัญ
narrative-entry-points = จุดเริ่มต้น
narrative-entry-points-intro = กรณีอาจเริ่มต้นได้จากขั้นตอนใดขั้นตอนหนึ่งต่อไปนี้
narrative-actors = หน่วยงานที่เกี่ยวข้อง
narrative-actor-column = หน่วยงานหรือผู้ปฏิบัติงาน
narrative-leads-column = เป็นหน่วยงานหลักในขั้นตอนที่
narrative-takes-part-column = เป็นหน่วยงานร่วมในขั้นตอนที่
narrative-note-column = หมายเหตุ
narrative-phase = ระยะที่
narrative-all-steps = ขั้นตอน
narrative-empty-phase = ระยะนี้ยังไม่มีขั้นตอน
narrative-kind = ประเภท
narrative-kind-start = จุดเริ่มต้น
narrative-kind-step = การดำเนินการ
narrative-kind-decision = จุดตัดสินใจ
narrative-kind-end = ผลลัพธ์
narrative-responsible = ผู้รับผิดชอบ
narrative-lead = หน่วยงานหลัก
narrative-unassigned = ยังไม่ได้กำหนด
narrative-time-limit = กรอบเวลา
narrative-legal-basis = ฐานทางกฎหมาย
narrative-note = หมายเหตุ
narrative-comes-after = ต่อจาก
# "In the case of": joined to a Thai label (กรณีใช่), spaced from a label in another script.
narrative-case = กรณี
narrative-next = ขั้นตอนถัดไป
narrative-ends-here = ไม่มี (การส่งต่อสิ้นสุดที่ขั้นตอนนี้)
narrative-no-next = ยังไม่ได้กำหนด
narrative-unreachable = ไม่มีเส้นทางจากจุดเริ่มต้นใดมาถึงขั้นตอนนี้
narrative-outcomes = ผลลัพธ์
narrative-outcomes-intro = การส่งต่อทุกกรณีควรสิ้นสุดที่ขั้นตอนใดขั้นตอนหนึ่งต่อไปนี้
narrative-requirements = ข้อกำหนด
narrative-requirements-intro = แผนผังนี้ต้องเป็นไปตามข้อกำหนดต่อไปนี้ ซึ่งได้ตรวจสอบกับทุกเส้นทางในแผนผังแล้ว
narrative-holds = ✔ เป็นไปตามข้อกำหนด
narrative-violated = ✘ ไม่เป็นไปตามข้อกำหนด
narrative-unproven = ? ยังยืนยันไม่ได้ว่าเป็นไปตามข้อกำหนด
narrative-vacuous = – ไม่มีกรณีที่ข้อกำหนดนี้ใช้บังคับ
narrative-before = ทุกเส้นทางที่ไปถึง { $target } ต้องผ่าน { $first } ก่อน
narrative-before-unless = ทุกเส้นทางที่ไปถึง { $target } ต้องผ่าน { $first } ก่อน เว้นแต่เส้นทางนั้นผ่าน { $unless }
narrative-within = จาก { $from } ถึง { $to } ต้องใช้เวลาไม่เกิน { $duration }ในทุกเส้นทาง
narrative-list-or = { $rest } หรือ { $last }
narrative-list-separator = { " หรือ " }

## The diagram drawn by Graphviz

dot-legend = คำอธิบายสัญลักษณ์
dot-start = จุดเริ่มต้น
dot-step = ขั้นตอน
dot-decision = การตัดสินใจ
dot-end = ผลลัพธ์
dot-limit = ระยะเวลาสูงสุดของขั้นตอน
dot-also = หน่วยงานที่ร่วมดำเนินการ
dot-unowned = ยังไม่ระบุหน่วยงาน
dot-added = เพิ่มในฉบับปรับปรุงนี้
dot-changed = แก้ไขในฉบับปรับปรุงนี้
dot-removed = ตัดออกในฉบับปรับปรุงนี้

## The laid-out diagram and the hearing pack

overview = ภาพรวม
pack-status = ร่างเพื่อการรับฟังความคิดเห็น
pack-date = { $day } { $month } { $year }
# Thai dates count years in the Buddhist era.
pack-era-offset = 543
pack-month-1 = มกราคม
pack-month-2 = กุมภาพันธ์
pack-month-3 = มีนาคม
pack-month-4 = เมษายน
pack-month-5 = พฤษภาคม
pack-month-6 = มิถุนายน
pack-month-7 = กรกฎาคม
pack-month-8 = สิงหาคม
pack-month-9 = กันยายน
pack-month-10 = ตุลาคม
pack-month-11 = พฤศจิกายน
pack-month-12 = ธันวาคม

## The person's leaflet (`render --to leaflet`): plain words for the person being referred.

leaflet-intro = เอกสารนี้จัดทำขึ้นเพื่อคุณ บอกว่าจะเกิดอะไรขึ้นต่อไป ใครจะติดต่อคุณ และเมื่อใดที่คุณเป็นผู้ตัดสินใจ คุณถามคำถามได้ทุกเมื่อ
leaflet-steps = สิ่งที่จะเกิดขึ้น
leaflet-who = ผู้ดำเนินการ: { $agency }
leaflet-when = เวลา: ภายใน { $duration }
leaflet-you-decide = คุณเป็นผู้ตัดสินใจ คุณปฏิเสธได้
leaflet-rights = สิทธิของคุณ
leaflet-help = หากคุณต้องการความช่วยเหลือ
leaflet-source = เอกสารนี้มาจาก: { $chart }
leaflet-source-version = เอกสารนี้มาจาก: { $chart } { $version }

## What changed since an earlier revision

since-tag-new = ใหม่
since-tag-changed = แก้ไข
since-heading-new = ใหม่
since-heading-changed = แก้ไข
since-legend-new = เพิ่มใหม่นับจาก{ $revision }
since-legend-changed = แก้ไขนับจาก{ $revision }
since-note = ขั้นตอนที่มีเครื่องหมาย { $new } เป็นขั้นตอนที่เพิ่มใหม่ และที่มีเครื่องหมาย { $changed } เป็นขั้นตอนที่แก้ไข นับจาก{ $revision }
since-previous = ฉบับก่อนหน้า

## Accessibility

a11y-caption = แผนภาพในขนาดจริง เลื่อนเพื่อดูให้ครบ หรืออ่านเนื้อหาเดียวกันเป็นข้อความ
a11y-text-version = ฉบับข้อความ
a11y-open-svg = เปิดแผนภาพอย่างเดียว (SVG)
# Thai counts with a classifier and has no plural forms.
a11y-steps = { $count } ขั้นตอน
a11y-agencies = { $count } หน่วยงาน
a11y-phases = { $count } ระยะ
a11y-summary = แผนผังการส่งต่อที่มี { $steps } และ { $agencies }
a11y-summary-phases = แผนผังการส่งต่อที่มี { $steps } และ { $agencies } แบ่งเป็น { $phases }
a11y-starts = กรณีเริ่มต้นที่ { $starts }
a11y-starts-many = กรณีเริ่มต้นได้ที่จุดเริ่มต้นใดจุดหนึ่งใน { $count } จุด
a11y-outcomes = และสิ้นสุดที่ { $outcomes }
a11y-outcomes-many = และสิ้นสุดที่ผลลัพธ์ใดผลลัพธ์หนึ่งใน { $count } แบบ
a11y-quoted = “{ $text }”
a11y-narrative = คำบรรยายให้รายละเอียดทุกขั้นตอนเป็นข้อความ
