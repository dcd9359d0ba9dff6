using System.Globalization;
using TransferGen.Scoring;

namespace TransferGen.Cli;

/// <summary>How FID/KID scores are printed: one JSON shape and one human shape, both stating the mode.</summary>
public static class ScoreReport
{
    /// <summary>The JSON-shaped object of one comparison (keys written as they are here).</summary>
    public static Dictionary<string, object?> Json(ImageSetScores s) => new()
    {
        ["fid"] = s.Fid,
        ["kid"] = s.Kid,
        ["kid_std"] = s.KidStd,
        ["precision"] = s.Precision,
        ["recall"] = s.Recall,
        ["pr_k"] = s.NearestNeighbour,
        ["pr_reference"] = s.Reference == ReferenceSide.A ? "a" : "b",
        ["n_a"] = s.A.Count,
        ["n_b"] = s.B.Count,
        ["features"] = s.Features,
        ["feature_dim"] = s.FeatureDim,
        ["resize_filter"] = s.ResizeFilter,
        ["resize_size"] = s.InputSize,
        ["kid_subsets"] = s.KidSubsets,
        ["kid_subset_size"] = s.KidSubsetSize,
        ["source_a"] = s.A.Source,
        ["split_a"] = s.A.Split,
        ["source_b"] = s.B.Source,
        ["split_b"] = s.B.Split,
        ["cached_a"] = s.A.FeaturesFromCache,
        ["cached_b"] = s.B.FeaturesFromCache,
        ["note"] = ImageSetScores.Caveat,
    };

    /// <summary>Lines for a person: the figures, then the mode.</summary>
    public static IEnumerable<string> Human(string title, ImageSetScores s)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Format(c, "{0}: FID {1:0.####}   KID {2:0.######} ± {3:0.######}   precision {4}   recall {5}",
            title, s.Fid, s.Kid, s.KidStd, Share(s.Precision), Share(s.Recall));
        yield return string.Format(c, "  A: {0} [{1}], {2} images{3}", s.A.Source, s.A.Split, s.A.Count, Cached(s.A));
        yield return string.Format(c, "  B: {0} [{1}], {2} images{3}", s.B.Source, s.B.Split, s.B.Count, Cached(s.B));
        yield return string.Format(c, "  mode: features {0} ({1}-d), resized to {2}×{2} with {3}; KID over {4} subsets of {5}",
            s.Features, s.FeatureDim, s.InputSize, s.ResizeFilter, s.KidSubsets, s.KidSubsetSize);
        yield return s.Precision is null
            ? string.Format(c, "  precision/recall: n/a (they need more than {0} images on each side)", s.NearestNeighbour)
            : string.Format(c, "  precision: share of {0} inside {1}'s manifold (k = {2} nearest neighbours); recall: the reverse",
                s.Reference == ReferenceSide.A ? "B" : "A", s.Reference == ReferenceSide.A ? "A" : "B", s.NearestNeighbour);
    }

    static string Cached(ImageSetSide side) => side.FeaturesFromCache ? ", features from cache" : "";

    static string Share(double? value) => value is double v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
