"""Makes the XLSX fixtures of XLSXReaderTests (run from this folder; needs openpyxl, and LibreOffice for libreoffice.xlsx):
    python3 make_fixtures.py && soffice --headless --convert-to xlsx --outdir lo openpyxl.xlsx && mv lo/openpyxl.xlsx libreoffice.xlsx
"""
import datetime, zipfile
import openpyxl

wb = openpyxl.Workbook()
notes = wb.active
notes.title = "说明"
notes["A1"] = "本表为测试说明页"
s = wb.create_sheet("指标")
s.append(["统一社会信用代码", "月份", "营业收入（元）", "工业总产值", "用电量", "备注"])
s.append(["credit code", "month", "revenue", "output_value", None, None])       # second header row (English names)
s.append(["91360100MA35XXXX01", datetime.date(2026, 9, 1), 12345600, 0.1 + 0.2, 1234.5, "有"])
s["B3"].number_format = "yyyy-mm-dd"
# row 4 left empty: a gap between rows
s["A5"] = "91360100MA35XXXX02"
s["B5"] = datetime.date(2026, 8, 31)
s["B5"].number_format = "mm-dd-yy"                                              # built-in format 14
s["C5"] = "1,234.5"                                                              # a number stored as text
s["D5"] = 12345.6
s["H5"] = "gap"                                                                  # cells F, G missing
s.append(["91360100MA35XXXX03", "2026-07", 100.0, 1.23456e4, 1e-7, True])
s.append(["91360100MA35XXXX04", "2026-06", -5.25, 123456789012, 12345.600000000001, "=1+1 text"])
s["F7"].data_type = "s"
wb.save("openpyxl.xlsx")

# Hand-made: inline strings, t="str", rich text with phonetic runs, _xHHHH_ escapes, a prefixed namespace,
# the 1904 date system, an absolute relationship target and a sheet chosen by name.
ct = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"""
rels = """<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
workbook = """<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:workbookPr date1904="1"/><x:sheets><x:sheet name="Empty" sheetId="1" r:id="rId1"/><x:sheet name="数据 &amp; 备注" sheetId="2" r:id="rId2"/></x:sheets></x:workbook>"""
wbrels = """<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/empty.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
sst = """<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><r><t>南昌</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 市</t></r><rPh sb="0" eb="2"><t>ナンチャン</t></rPh></si><si><t>line_x000D_break &lt;b&gt;</t></si></sst>"""
styles = """<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="4"/></cellXfs></styleSheet>"""
empty = """<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"""
data = """<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>城市</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t>文本</x:t></x:r></x:is></x:c><x:c r="C2" t="s"><x:v>0</x:v></x:c><x:c r="D2" t="s"><x:v>1</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3" s="1"><x:v>45000</x:v></x:c><x:c r="B3" t="str"><x:f>A1&amp;"x"</x:f><x:v>公式结果</x:v></x:c><x:c r="C3" t="b"><x:v>0</x:v></x:c><x:c r="D3" t="e"><x:v>#N/A</x:v></x:c><x:c r="E3" s="2"><x:v>1234567.5</x:v></x:c></x:row>
<x:row r="4"><x:c r="B4"/><x:c r="C4" t="inlineStr"><x:is><x:t/></x:is></x:c></x:row>
<x:row r="5"><x:c t="inlineStr"><x:is><x:t><![CDATA[a<b]]></x:t></x:is></x:c><x:c><x:v>7</x:v></x:c><x:c r="C5"><x:v>12345.600000000001</x:v></x:c><x:c r="D5"><x:v>1.23456E4</x:v></x:c><x:c r="E5"><x:v>100.0</x:v></x:c><x:c r="F5"><x:v>0.30000000000000004</x:v></x:c><x:c r="G5"><x:v>-1.5E-3</x:v></x:c></x:row>
</x:sheetData></x:worksheet>"""
with zipfile.ZipFile("handmade.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", wbrels),
                       ("xl/sharedStrings.xml", sst), ("xl/styles.xml", styles), ("xl/worksheets/empty.xml", empty), ("xl/worksheets/data.xml", data)]:
        z.writestr(name, text)
with zipfile.ZipFile("not-a-workbook.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("hello.txt", "not a spreadsheet")
with zipfile.ZipFile("truncated.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in [("[Content_Types].xml", ct), ("_rels/.rels", rels),
                       ("xl/workbook.xml", workbook.replace('<x:workbookPr date1904="1"/>', "")),
                       ("xl/_rels/workbook.xml.rels", wbrels), ("xl/sharedStrings.xml", sst), ("xl/styles.xml", styles),
                       ("xl/worksheets/empty.xml", '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2"><c r="A2"><v>1'),
                       ("xl/worksheets/data.xml", data)]:
        z.writestr(name, text)
