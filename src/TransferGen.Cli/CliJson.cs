using System.Text.Json;
using TransferGen.IO;

namespace TransferGen.Cli;

/// <summary>The JSON conventions of every `--json` output: the library's <see cref="JsonDefaults.Options"/> (snake_case keys, indented).</summary>
public static class CliJson
{
    /// <summary>Serializer options shared by all commands (dictionary keys are written as they are).</summary>
    public static JsonSerializerOptions Options => JsonDefaults.Options;
}
