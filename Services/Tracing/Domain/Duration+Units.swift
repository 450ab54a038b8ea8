extension Duration {
    /// `hours` hours.
    static func hours(_ hours: Int) -> Duration { .seconds(hours * 3600) }
    /// `minutes` minutes.
    static func minutes(_ minutes: Int) -> Duration { .seconds(minutes * 60) }
}
