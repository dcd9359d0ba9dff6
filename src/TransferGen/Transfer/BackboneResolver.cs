using TransferGen.Models;

namespace TransferGen.Transfer;

/// <summary>
/// What <c>--backbone</c> accepts: a name registered in <see cref="BackboneRegistry"/>, or the run folder of a
/// <c>transfergen pretrain</c> or <c>finetune</c>, whose trained backbone <see cref="RunBackbone"/> turns into an entry.
/// It lives here rather than in the registry because run folders are Transfer's; Models knows registered names only.
/// </summary>
public static class BackboneResolver
{
    /// <summary>
    /// The backbone called <paramref name="name"/>, or the one trained in the run folder <paramref name="name"/> (a
    /// registered name wins over a folder of the same name); an <see cref="InputException"/> listing the names when
    /// neither.
    /// </summary>
    public static BackboneSpec Get(string name)
    {
        if (BackboneRegistry.Find(name) is { } registered) return registered;
        if (RunBackbone.IsFolderName(name)) return RunBackbone.Load(name);
        throw new InputException($"Unknown backbone '{name}' (known: {BackboneRegistry.KnownNames}; or the run folder of a `transfergen pretrain` or `finetune`).");
    }
}
