/**
 * Text that Terraform must take as written.
 *
 * Terraform reads `${...}` and `%{...}` in every string of a configuration as
 * an interpolation or a template directive, so a shell script with
 * `curl -w '%{http_code}'` or a command with `${HOME}` is refused at validate.
 * Doubling the opening character (`$${`, `%%{`) makes each a literal. cdktf's
 * own tokens (`${TfToken[...]}`, resolved later into references) are left as
 * they are, so a value holding a token still refers to it.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, '%%{');
}

/** Each string of `texts` as a Terraform literal; undefined stays undefined. */
export function terraformLiterals(texts: readonly string[] | undefined): string[] | undefined {
  return texts === undefined ? undefined : texts.map(terraformLiteral);
}
