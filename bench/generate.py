#!/usr/bin/env python3
"""Generate a realistic referral chart of N stages, and the same graph as DOT.

    bench/generate.py [--top-level-edges] [--actors 20] N OUT.flow OUT.dot

The chart is bilingual (English and Thai), has actors, phases, several entry points,
decisions with labelled branches, time limits, legal references, notes and requirements, and
checks clean under `-D warnings`: every stage is reachable and reaches an outcome, every
decision has two labelled branches, every stage has an owner, every text is translated, every
actor is used and every requirement holds.

The flow is a chain of blocks of ten stages: eight steps and decisions, one outcome, and the
way on to the next block. Blocks are grouped into phases of up to 100 blocks.

`--top-level-edges` writes every edge as a top-level `a -> b` (`a -> b : yes`) line after the stages
(the shape of issue 15: the checker must hold every edge until it has read every stage),
instead of inside its stage's block; `--actors 20` uses twenty agencies instead of ten.
"""
import sys

ALL_ACTORS = [
    ("police", "Royal Thai Police", "สำนักงานตำรวจแห่งชาติ"),
    ("labour", "Labour inspectors", "พนักงานตรวจแรงงาน"),
    ("mdt", "Multidisciplinary team", "ทีมสหวิชาชีพ"),
    ("msdhs", "Ministry of Social Development and Human Security", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
    ("shelter", "Protection and Occupational Development Centre", "สถานคุ้มครองและพัฒนาอาชีพ"),
    ("hospital", "Public hospital", "โรงพยาบาลของรัฐ"),
    ("court", "Court of Justice", "ศาลยุติธรรม"),
    ("prosecutor", "Public prosecutors", "พนักงานอัยการ"),
    ("immigration", "Immigration Bureau", "สำนักงานตรวจคนเข้าเมือง"),
    ("ngo", "Non-governmental organisations", "องค์กรพัฒนาเอกชน"),
    ("dsd", "Department of Special Investigation", "กรมสอบสวนคดีพิเศษ"),
    ("labour_protection", "Department of Labour Protection and Welfare", "กรมสวัสดิการและคุ้มครองแรงงาน"),
    ("fisheries", "Department of Fisheries", "กรมประมง"),
    ("marine", "Marine Department", "กรมเจ้าท่า"),
    ("employment", "Department of Employment", "กรมการจัดหางาน"),
    ("children", "Department of Children and Youth", "กรมกิจการเด็กและเยาวชน"),
    ("legal_aid", "Lawyers Council legal aid", "สภาทนายความ"),
    ("embassy", "Embassy of the country of origin", "สถานเอกอัครราชทูตประเทศต้นทาง"),
    ("hotline", "1300 Prachabodi hotline", "ศูนย์ประชาบดี 1300"),
    ("province", "Provincial anti-trafficking committee", "คณะอนุกรรมการป้องกันและปราบปรามการค้ามนุษย์จังหวัด"),
]

# (kind, English label, Thai label, within) for the nine stages of a block before its outcome.
BLOCK = [
    ("step", "Screen with the national screening form", "คัดกรองด้วยแบบคัดกรอง", "24h"),
    ("step", "Interview with an interpreter", "สัมภาษณ์โดยมีล่าม", "2d"),
    ("decision", "Are trafficking indicators present?", "พบข้อบ่งชี้การค้ามนุษย์หรือไม่", "2h"),
    ("step", "Temporary protection for identification", "คุ้มครองชั่วคราวเพื่อคัดแยก", "24h"),
    ("step", "Medical and psychosocial care", "การดูแลทางการแพทย์และจิตสังคม", "3d"),
    ("decision", "Does the person consent to shelter?", "ผู้เสียหายยินยอมเข้าสถานคุ้มครองหรือไม่", "4h"),
    ("step", "Temporary shelter with basic services", "สถานคุ้มครองชั่วคราว", "15d"),
    ("step", "Inform of the right to compensation", "แจ้งสิทธิในการได้รับค่าสินไหมทดแทน", "1d"),
    ("step", "Refer to the next agency", "ส่งต่อหน่วยงานถัดไป", "5wd"),
]


def generate(n, flow, dot, top_level_edges=False, actors=10):
    ACTORS = ALL_ACTORS[:actors]
    blocks = max(1, n // 10)
    w = flow.write
    w('title "Generated referral mechanism" th "กลไกการส่งต่อที่สร้างขึ้น"\n')
    w('version "benchmark"\n')
    w("languages en th\n\n")
    for aid, en, th in ACTORS:
        w(f'actor {aid} "{en}" {{ th "{th}" }}\n')
    w("\n")
    dot.write("digraph chart {\n")
    edges = []
    stage_count = 0
    for b in range(blocks):
        if b % 100 == 0:
            if b:
                w("}\n\n")
            p = b // 100
            w(f'phase p{p} "Phase {p}" {{\n  th "ระยะ {p}"\n')
        if b == 0 or b % 500 == 0:
            w(f'  start entry{b} "Case received, route {b}" by police {{ th "รับเรื่อง เส้นทาง {b}" }}\n')
            dot.write(f'  entry{b} [label="Case received, route {b}"];\n')
            edges.append((f"entry{b}", f"b{b}s0", None))
            stage_count += 1
        for i, (kind, en, th, within) in enumerate(BLOCK):
            sid = f"b{b}s{i}"
            actor = ACTORS[(b + i) % len(ACTORS)][0]
            w(f'  {kind} {sid} "{en} ({b}.{i})" by {actor} within {within} {{\n')
            w(f'    th "{th} ({b}.{i})"\n')
            if i == 3:
                w('    ref "Anti-Trafficking in Persons Act B.E. 2551, section 29"\n')
            if i == 6:
                w('    note "Up to 15 days before the identification interview" th "ไม่เกิน 15 วันก่อนการสัมภาษณ์คัดแยก"\n')
            if kind == "decision":
                if not top_level_edges:
                    w(f"    yes -> b{b}s{i + 1}\n")
                    w(f"    no -> b{b}out\n")
                edges.append((sid, f"b{b}s{i + 1}", "yes"))
                edges.append((sid, f"b{b}out", "no"))
            else:
                nxt = f"b{b}s{i + 1}" if i + 1 < len(BLOCK) else (f"b{b + 1}s0" if b + 1 < blocks else "closed")
                if not top_level_edges:
                    w(f"    -> {nxt}\n")
                edges.append((sid, nxt, None))
            w("  }\n")
            dot.write(f'  {sid} [label="{en} ({b}.{i})"];\n')
            stage_count += 1
        w(f'  end b{b}out "Referred to other services ({b})" by msdhs {{ th "ส่งต่อบริการอื่น ({b})" }}\n')
        dot.write(f'  b{b}out [label="Referred to other services ({b})"];\n')
        stage_count += 1
    w("}\n\n")
    w('end closed "Case closed" by mdt { th "ปิดคดี" }\n')
    dot.write('  closed [label="Case closed"];\n')
    stage_count += 1
    # The routes that start later enter at their block: draw those edges at the top level.
    for frm, to, label in edges:
        if frm.startswith("entry") or top_level_edges:
            w(f"{frm} -> {to} : {label}\n" if label else f"{frm} -> {to}\n")
    w("\n")
    # Requirements that hold: screening before shelter, and the time limits of a block.
    for b in range(0, blocks, max(1, blocks // 10)):
        w(f"require b{b}s0 before b{b}s6\n")
        w(f"require within 30d from b{b}s0 to b{b}s8\n")
    for frm, to, label in edges:
        attr = f' [label="{label}"]' if label else ""
        dot.write(f"  {frm} -> {to}{attr};\n")
    dot.write("}\n")
    return stage_count


def main():
    args = sys.argv[1:]
    top_level_edges = "--top-level-edges" in args
    args = [a for a in args if a != "--top-level-edges"]
    actors = 10
    if "--actors" in args:
        i = args.index("--actors")
        actors = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 3 or not 1 <= actors <= len(ALL_ACTORS):
        sys.exit(__doc__)
    n = int(args[0])
    with open(args[1], "w", encoding="utf-8") as flow, open(args[2], "w", encoding="utf-8") as dot:
        count = generate(n, flow, dot, top_level_edges, actors)
    print(f"{count} stages", file=sys.stderr)


if __name__ == "__main__":
    main()
