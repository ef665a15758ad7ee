/**
 * Vega-lite -> vega -> SVG, with no canvas (vega's "none" renderer estimates
 * text widths), and SVG -> PNG through resvg, which draws text only with
 * fonts it is given: a font file found on the system, or the system's fonts.
 */
import { existsSync } from "node:fs";

import { Resvg } from "@resvg/resvg-js";
import type { ResvgRenderOptions } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile } from "vega-lite";

import type { VegaLiteSpec } from "./figures.ts";

export const svgFromVegaLite = async (spec: VegaLiteSpec): Promise<string> => {
  // vega-lite's TopLevelSpec is a deep union; the specs are built as plain data and tested.
  const compiled = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

/** Sans-serif fonts with Greek letters, where Linux, macOS and Windows keep them. */
const FONT_CANDIDATES: readonly { readonly file: string; readonly family: string }[] = [
  { file: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", family: "DejaVu Sans" },
  { file: "/usr/share/fonts/dejavu/DejaVuSans.ttf", family: "DejaVu Sans" },
  { file: "/usr/share/fonts/TTF/DejaVuSans.ttf", family: "DejaVu Sans" },
  { file: "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", family: "DejaVu Sans" },
  {
    file: "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    family: "Liberation Sans",
  },
  { file: "/Library/Fonts/Arial Unicode.ttf", family: "Arial Unicode MS" },
  { file: "/System/Library/Fonts/Supplemental/Arial.ttf", family: "Arial" },
  { file: "C:\\Windows\\Fonts\\arial.ttf", family: "Arial" },
];

export interface FontChoice {
  /** Font files handed to resvg; empty when it should load the system's fonts. */
  readonly files: readonly string[];
  /** The family that stands for "sans-serif". */
  readonly family: string;
}

/** The first known font file present; else the system's fonts with a generic family. */
export const findFont = (candidates = FONT_CANDIDATES): FontChoice => {
  const found = candidates.find((c) => existsSync(c.file));
  return found === undefined
    ? { files: [], family: "Arial" }
    : { files: [found.file], family: found.family };
};

/** resvg's options: white background, `scale` times the SVG's size, the chosen font. */
export const resvgOptions = (font: FontChoice, scale = 2): ResvgRenderOptions => ({
  background: "white",
  fitTo: { mode: "zoom", value: scale },
  font: {
    fontFiles: [...font.files],
    loadSystemFonts: font.files.length === 0,
    defaultFontFamily: font.family,
    sansSerifFamily: font.family,
  },
});

/** Renders an SVG to PNG at `scale` times its size (2: sharp on screens and in print). */
export const pngFromSvg = (svg: string, font: FontChoice = findFont(), scale = 2): Uint8Array =>
  new Uint8Array(new Resvg(svg, resvgOptions(font, scale)).render().asPng());
