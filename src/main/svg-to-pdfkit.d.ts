// svg-to-pdfkit ships no types: the one function the exports use.
declare module 'svg-to-pdfkit' {
  interface SVGtoPDFOptions {
    width?: number
    height?: number
    preserveAspectRatio?: string
    useCSS?: boolean
    fontCallback?: (family: string, bold: boolean, italic: boolean, fontOptions: { fauxItalic: boolean; fauxBold: boolean }) => string
    imageCallback?: (link: string) => string
    documentCallback?: (file: string) => unknown
    colorCallback?: (color: [number[], number]) => [number[], number]
    warningCallback?: (warning: string) => void
    assumePt?: boolean
    precision?: number
  }
  function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x?: number, y?: number, options?: SVGtoPDFOptions): void
  export default SVGtoPDF
}
