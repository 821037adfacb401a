"""PDF/A-2b and PDF/UA identification: the XMP metadata packet and the sRGB output intent.

The XMP repeats the document information (title, author, subject, keywords, creator tool,
producer, dates) as ISO 19005-2 asks; it is written for every tagged PDF (PDF/UA-1 wants the
title there). It identifies the file as PDF/UA-1, or, when the build asked for it, as PDF/A-2b
only: in PDF/A the pdfuaid property needs an XMP extension schema, which pikepdf's PDF/A
checker (the one the tests run) does not accept, and a file must not claim what is unchecked.
Everything in it comes from the document, so rebuilds give the same bytes (SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

from html import escape as _escape
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream, PDFString, PDFZCompress

from pdfgen import rl_private


def escape(text: str) -> str:
    """XML character data: & < > escaped (html's escape; xml.sax.saxutils pulls in urllib and
    http.client, ~20 ms of every start)."""
    return _escape(text, quote=False)

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


def xmp(canvas: Any, pdfa: bool) -> bytes:
    """The XMP packet for the canvas's document information."""
    i = rl_private.info(canvas)
    y, mo, d, h, mi, s = i["date"]
    dhh, dmm = i["offset"]
    date = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{'+' if dhh >= 0 else '-'}{abs(dhh):02d}:{abs(dmm):02d}"
    if pdfa:
        ident_ns, ident = f'xmlns:pdfaid="{PDFAID}"', "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
    else:
        ident_ns, ident = f'xmlns:pdfuaid="{PDFUAID}"', "<pdfuaid:part>1</pdfuaid:part>"

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" {ident_ns}>
   <dc:format>application/pdf</dc:format>
   <dc:title>{alt(i["title"])}</dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(i["author"])}</rdf:li></rdf:Seq></dc:creator>
   <dc:description>{alt(i["subject"])}</dc:description>
   <pdf:Keywords>{escape(i["keywords"])}</pdf:Keywords>
   <pdf:Producer>{escape(i["producer"])}</pdf:Producer>
   <xmp:CreatorTool>{escape(i["creator"])}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   {ident}
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
