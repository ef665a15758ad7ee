export * from "./kde.ts";
export * from "./images.ts";
import { kdeImages1d, kdeImages2d } from "./kinds.ts";
export { kdeImages1d, kdeImages2d };
export const kinds = [kdeImages1d, kdeImages2d];
