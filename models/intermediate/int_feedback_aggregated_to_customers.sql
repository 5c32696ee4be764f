with

survey_responses as (
    select * from {{ staged('survey_responses') }}
),

product_reviews as (
    select * from {{ staged('product_reviews') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

surveys_before_as_of_date as (
    select survey_responses.*
    from survey_responses
    cross join as_of
    where survey_responses.responded_at < as_of.as_of_date
),

latest_surveys as (
    {# On a tie in time the lower score wins, so the choice never depends on row order. #}
    select
        customer_id,
        nps_score as latest_nps_score
    from surveys_before_as_of_date
    qualify row_number() over (partition by customer_id order by responded_at desc, nps_score asc) = 1
),

surveys_aggregated as (
    select
        surveys_before_as_of_date.customer_id,
        count(*) as survey_response_count,
        avg(surveys_before_as_of_date.nps_score) as avg_nps_score,
        any_value(latest_surveys.latest_nps_score) as latest_nps_score
    from surveys_before_as_of_date
    inner join latest_surveys
        on surveys_before_as_of_date.customer_id = latest_surveys.customer_id
    group by surveys_before_as_of_date.customer_id
),

reviews_aggregated as (
    select
        product_reviews.customer_id,
        count(*) as review_count,
        avg(product_reviews.rating) as avg_review_rating
    from product_reviews
    cross join as_of
    where product_reviews.reviewed_at < as_of.as_of_date
    group by product_reviews.customer_id
),

customers_with_feedback as (
    select customer_id from surveys_aggregated
    union
    select customer_id from reviews_aggregated
),

final as (
    select
        customers_with_feedback.customer_id,
        coalesce(surveys_aggregated.survey_response_count, 0) as survey_response_count,
        surveys_aggregated.latest_nps_score,
        surveys_aggregated.avg_nps_score,
        coalesce(reviews_aggregated.review_count, 0) as review_count,
        reviews_aggregated.avg_review_rating
    from customers_with_feedback
    left join surveys_aggregated
        on customers_with_feedback.customer_id = surveys_aggregated.customer_id
    left join reviews_aggregated
        on customers_with_feedback.customer_id = reviews_aggregated.customer_id
)

select * from final
