"""PDF/A-2b and PDF/UA identification: the XMP metadata packet and the sRGB output intent.

The XMP repeats the document information (title, author, subject, keywords, creator tool,
producer, dates) as ISO 19005-2 asks; it is written for every tagged PDF (PDF/UA-1 wants the
title there), and claims PDF/A-2b only when the build asked for it. Everything in it comes
from the document, so rebuilds give the same bytes (dates from SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream, PDFString, PDFZCompress

from pdfgen import rl_private

A_ID = "\n   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>"
UA_EXTENSION = """
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>part</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>internal</pdfaProperty:category>
     <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def xmp(canvas: Any, pdfa: bool) -> bytes:
    """The XMP packet for the canvas's document information."""
    i = rl_private.info(canvas)
    y, mo, d, h, mi, s = i["date"]
    dhh, dmm = i["offset"]
    date = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{'+' if dhh >= 0 else '-'}{abs(dhh):02d}:{abs(dmm):02d}"

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    a = (
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"'
        if pdfa
        else ""
    )
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"{a}>
   <dc:format>application/pdf</dc:format>
   <dc:title>{alt(i["title"])}</dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(i["author"])}</rdf:li></rdf:Seq></dc:creator>
   <dc:description>{alt(i["subject"])}</dc:description>
   <pdf:Keywords>{escape(i["keywords"])}</pdf:Keywords>
   <pdf:Producer>{escape(i["producer"])}</pdf:Producer>
   <xmp:CreatorTool>{escape(i["creator"])}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <pdfuaid:part>1</pdfuaid:part>{A_ID + UA_EXTENSION if pdfa else ""}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def metadata_stream(canvas: Any, pdfa: bool) -> PDFStream:
    """The catalog's /Metadata: XMP, unfiltered (PDF/A wants it readable without decoding)."""
    return PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), xmp(canvas, pdfa))


def srgb_profile(date: tuple[int, ...]) -> bytes:
    """An sRGB ICC profile from Pillow's LittleCMS (no file to ship or download), its creation
    date set from the document's (bytes 24–35 of the header), so rebuilds are identical; the
    profile ID is zero, so nothing else depends on the date."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = b"".join(v.to_bytes(2, "big") for v in date[:6])
    return bytes(data)


def output_intent(doc: Any, canvas: Any) -> Any:
    """The PDF/A output intent: device RGB is sRGB."""
    icc = PDFStream(PDFDictionary({"N": 3}), srgb_profile(rl_private.info(canvas)["date"]), filters=[PDFZCompress])
    return PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
            "Info": PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": doc.Reference(icc),
        }
    )
