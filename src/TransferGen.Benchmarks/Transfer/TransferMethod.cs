using System.Text.Json.Serialization;
using TransferGen.Transfer;

namespace TransferGen.Benchmarks.Transfer;

/// <summary>The ways of training one backbone that the transfer benchmark compares.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransferMethod>))]
public enum TransferMethod
{
    /// <summary>The backbone's architecture randomly initialised, everything trained (<c>--from-scratch --freeze none</c>).</summary>
    [JsonStringEnumMemberName("scratch")]
    Scratch,

    /// <summary>Pretrained backbone frozen, a linear head trained on cached features (<c>--freeze all</c>).</summary>
    [JsonStringEnumMemberName("probe")]
    Probe,

    /// <summary>Pretrained backbone with the default recipe: probe, then unfreeze everything (<c>--freeze auto</c>).</summary>
    [JsonStringEnumMemberName("finetune")]
    FineTune,
}

/// <summary>Names, parsing and fine-tune options of <see cref="TransferMethod"/>.</summary>
public static class TransferMethods
{
    static readonly (string Name, TransferMethod Method)[] Names =
        [("scratch", TransferMethod.Scratch), ("probe", TransferMethod.Probe), ("finetune", TransferMethod.FineTune)];

    /// <summary>The name used on the command line, in JSON and in run folder names.</summary>
    public static string Name(this TransferMethod method) => Names.First(n => n.Method == method).Name;

    /// <summary>What the method does, in the fine-tune command's terms.</summary>
    public static string Describe(this TransferMethod method) => method switch
    {
        TransferMethod.Scratch => "from scratch, --freeze none",
        TransferMethod.Probe => "pretrained, --freeze all (linear probe)",
        _ => "pretrained, --freeze auto (probe, then fine-tune all)",
    };

    /// <summary>Parses a comma-separated list such as <c>scratch,probe,finetune</c>; an <see cref="InputException"/> for anything else.</summary>
    public static IReadOnlyList<TransferMethod> ParseList(string text)
    {
        var methods = (text ?? "").Split(',').Select(part =>
        {
            var name = part.Trim();
            return Names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } hit
                ? hit.Method
                : throw new InputException($"--methods: unknown method '{name}' (known: {string.Join(", ", Names.Select(n => n.Name))}).");
        }).ToList();
        if (methods.Distinct().Count() != methods.Count) throw new InputException($"--methods lists a method twice: '{text}'.");
        return methods;
    }

    /// <summary>
    /// <paramref name="options"/> with the weights and freeze policy of <paramref name="method"/>; everything else
    /// (epochs, batch size, image size, seed, rates) stays as given, so every method runs with the same budget.
    /// </summary>
    public static FineTuneOptions Apply(this TransferMethod method, FineTuneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return method switch
        {
            TransferMethod.Scratch => options with { FromScratch = true, WeightsFile = null, Freeze = new FreezePolicy(FreezeKind.None) },
            TransferMethod.Probe => options with { FromScratch = false, Freeze = new FreezePolicy(FreezeKind.All) },
            _ => options with { FromScratch = false, Freeze = new FreezePolicy(FreezeKind.Auto) },
        };
    }
}
