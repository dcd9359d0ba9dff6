namespace TransferGen.Data.Transforms;

/// <summary>Ready-made augmentation pipelines.</summary>
public static class Augmentation
{
    /// <summary>Largest rotation of <see cref="OriginalDesign"/>, in degrees either way.</summary>
    public const double OriginalMaxDegrees = 15;

    /// <summary>Largest shift of <see cref="OriginalDesign"/>, as a fraction of width and of height.</summary>
    public const double OriginalMaxShift = 0.1;

    /// <summary>
    /// The augmentation of the original design: a rotation of up to ±15°, a shift of up to 10 % of the width and
    /// of the height, and a horizontal flip half of the time. It works on uint8 or float images; compose it
    /// with <see cref="ToFloat"/> (and a <see cref="Normalize"/> after that). Note that flipping changes the
    /// meaning of some classes (digits, letters); leave it out for such data.
    /// </summary>
    public static Compose OriginalDesign() => new(
        new RandomRotation(OriginalMaxDegrees),
        new RandomTranslate(OriginalMaxShift, OriginalMaxShift),
        new RandomHorizontalFlip());
}
