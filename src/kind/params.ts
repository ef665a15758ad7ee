/**
 * Small helpers for writing the parameter schema of a node kind.
 */
import { Effect, Schema } from "effect";

/** A parameter that takes `value` when the spec leaves it out. */
export const withDefault =
  <S extends Schema.Top>(value: S["Encoded"]) =>
  (schema: S) =>
    schema.pipe(Schema.withDecodingDefault(Effect.succeed(value)));

/** A finite number parameter with a default. */
export const num = (value: number) => Schema.Finite.pipe(withDefault(value));

/** An integer parameter with a default. */
export const int = (value: number) => Schema.Int.pipe(withDefault(value));

/** A boolean parameter with a default. */
export const bool = (value: boolean) => Schema.Boolean.pipe(withDefault(value));

/** A string parameter with a default. */
export const str = (value: string) => Schema.String.pipe(withDefault(value));
